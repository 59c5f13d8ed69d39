import { byId } from './dom.js';
import { changeName, focusLabelView, handleLabelKey, initLabeling, isLabeling } from './labeling.js';
import { discardBatch, flush, isFlushing, onOutboxEvent, pendingBatches } from './outbox.js';
import { initResults, loadResults } from './results.js';
import { loadName, persisted } from './storage.js';
import { initUpload, refreshUploadView } from './upload.js';

/**
 * The labeling page: three views behind the hash (#label, #upload, #results), the annotator
 * shown in the header, and the banner for answers that the worker has not acknowledged yet.
 */

type View = 'label' | 'upload' | 'results';
const VIEWS: readonly View[] = ['label', 'upload', 'results'];

const who = byId('who');
const whoName = byId('who-name');
const changeNameButton = byId<HTMLButtonElement>('change-name');
const banner = byId('outbox-banner');
const bannerText = byId('outbox-text');
const sendAgain = byId<HTMLButtonElement>('outbox-send');
const discard = byId<HTMLButtonElement>('outbox-discard');

let lastError = '';
let sentNotice = '';
let sentNoticeTimer: number | undefined;

function currentView(): View {
  const name = window.location.hash.replace(/^#\/?/, '');
  return (VIEWS as readonly string[]).includes(name) ? (name as View) : 'label';
}

function showView(moveFocus: boolean): void {
  const view = currentView();
  // Another tab may have changed the name.
  showName(loadName());
  for (const name of VIEWS) {
    byId(`view-${name}`).hidden = name !== view;
  }
  for (const link of document.querySelectorAll<HTMLAnchorElement>('.tabs a')) {
    if (link.dataset.view === view) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  }
  document.title = `${{ label: 'Label', upload: 'Upload', results: 'Results' }[view]} · Hot dog or not`;

  if (view === 'upload') {
    refreshUploadView();
  } else if (view === 'results') {
    void loadResults();
  }
  if (moveFocus) {
    if (view === 'label') {
      focusLabelView();
    } else {
      byId(`${view}-title`).setAttribute('tabindex', '-1');
      byId(`${view}-title`).focus();
    }
  }
}

function showName(name: string): void {
  who.hidden = name === '';
  whoName.textContent = name;
}

function renderBanner(): void {
  const pending = pendingBatches();
  const answers = pending.reduce((sum, batch) => sum + batch.answers.length, 0);
  const rejected = pending.filter((batch) => batch.rejected);

  if (pending.length === 0 || isFlushing()) {
    banner.hidden = sentNotice === '';
    bannerText.textContent = sentNotice;
    banner.dataset.state = 'ok';
    sendAgain.hidden = true;
    discard.hidden = true;
    return;
  }
  const where = persisted ? 'They are kept in this browser until the worker records them.' : 'This browser refuses to store them: keep this page open.';
  const reason = rejected.length > 0 ? `The worker rejected ${rejected.length === 1 ? 'a session' : 'some sessions'}: ${rejected[0]!.rejected!.message}.` : lastError;
  bannerText.textContent = `${answers} ${answers === 1 ? 'answer is' : 'answers are'} not sent yet. ${where} ${reason}`.trim();
  banner.dataset.state = 'error';
  banner.hidden = false;
  sendAgain.hidden = false;
  discard.hidden = rejected.length === 0;
  discard.textContent = rejected.length === 1 ? 'Discard the rejected answers' : `Discard ${rejected.length} rejected sessions`;
}

function main(): void {
  showName(loadName());
  initLabeling(showName);
  initUpload();
  initResults();

  changeNameButton.addEventListener('click', () => {
    if (isLabeling() && !window.confirm('Leave this session? Its answers are not sent.')) {
      return;
    }
    if (currentView() !== 'label') {
      window.location.hash = '#label';
    }
    changeName();
  });

  onOutboxEvent((event) => {
    if (event.kind === 'failed') {
      lastError = `Last error: ${event.error.message}.`;
    } else if (event.kind === 'sent') {
      lastError = '';
    }
    if (event.kind === 'sent' && event.batch.createdAt < pageStartedAt) {
      const count = event.batch.answers.length;
      sentNotice = `Sent ${count} ${count === 1 ? 'answer' : 'answers'} kept from an earlier session.`;
      window.clearTimeout(sentNoticeTimer);
      sentNoticeTimer = window.setTimeout(() => {
        sentNotice = '';
        renderBanner();
      }, 8_000);
    }
    renderBanner();
  });
  sendAgain.addEventListener('click', () => {
    void flush();
  });
  discard.addEventListener('click', () => {
    const rejected = pendingBatches().filter((batch) => batch.rejected);
    const answers = rejected.reduce((sum, batch) => sum + batch.answers.length, 0);
    if (window.confirm(`Discard ${answers} rejected ${answers === 1 ? 'answer' : 'answers'}? They are not recorded anywhere.`)) {
      for (const batch of rejected) {
        discardBatch(batch.id);
      }
    }
  });

  document.addEventListener('keydown', (event) => {
    if (currentView() === 'label') {
      handleLabelKey(event);
    }
  });
  window.addEventListener('hashchange', () => showView(true));
  // Answers left from an earlier visit, or from a moment without network, go out again.
  window.addEventListener('online', () => void flush());

  showView(false);
  renderBanner();
  if (pendingBatches().length > 0) {
    void flush();
  }
}

const pageStartedAt = new Date().toISOString();
main();
