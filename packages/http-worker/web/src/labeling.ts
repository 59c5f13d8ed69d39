import { ApiError, fetchSample, MAX_SAMPLE_COUNT, type Answer, type SampledImage } from './api.js';
import { byId, h, isTyping, newUuid } from './dom.js';
import { addBatch, flush, onOutboxEvent, pendingImageIds } from './outbox.js';
import { loadName, saveName } from './storage.js';

/**
 * The labeling view: the name form, then one image at a time with auto-advance, then the
 * session summary. The answers of a session go to the outbox, which sends and retries them.
 */

/** Images per session. */
export const SESSION_SIZE = 4;

type Choice = 1 | 0 | 'skip';
type Phase = 'start' | 'labeling' | 'done' | 'empty';

interface Decision {
  image: SampledImage;
  choice: Choice;
  /** A fresh UUID per answer; skips are not sent, so they have none. */
  answerId?: string;
}

const CHOICE_TEXT: Record<string, string> = { '1': 'Hot dog', '0': 'Not hot dog', skip: 'Skipped' };

const panels = {
  start: byId('label-start'),
  labeling: byId('label-session'),
  done: byId('label-done'),
  empty: byId('label-empty'),
};
const form = byId<HTMLFormElement>('start-form');
const nameInput = byId<HTMLInputElement>('annotator-input');
const nameError = byId('annotator-error');
const startButton = byId<HTMLButtonElement>('start-button');
const progressText = byId('session-progress');
const progressBar = byId<HTMLProgressElement>('session-progress-bar');
const tally = { yes: byId('tally-yes'), no: byId('tally-no'), skip: byId('tally-skip') };
const image = byId<HTMLImageElement>('current-image');
const imageError = byId('image-error');
const buttons = {
  yes: byId<HTMLButtonElement>('answer-yes'),
  no: byId<HTMLButtonElement>('answer-no'),
  skip: byId<HTMLButtonElement>('answer-skip'),
  undo: byId<HTMLButtonElement>('answer-undo'),
};
const lastAnswer = byId('last-answer');
const doneSummary = byId('done-summary');
const sendStatus = byId('send-status');
const doneList = byId('done-list');
const labelMore = byId<HTMLButtonElement>('label-more');
const emptyName = byId('empty-name');

let phase: Phase = 'start';
let annotator = '';
let images: SampledImage[] = [];
let decisions: Decision[] = [];
let remainingAtStart = 0;
let currentBatchId: string | undefined;
/** Keeps preloaded images referenced until they are shown. */
const preloaded = new Map<string, HTMLImageElement>();
let nameListener: (name: string) => void = () => {};

export function initLabeling(onName: (name: string) => void): void {
  nameListener = onName;
  nameInput.value = loadName();

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void startSession(nameInput.value.trim(), 'form');
  });
  buttons.yes.addEventListener('click', () => answer(1));
  buttons.no.addEventListener('click', () => answer(0));
  buttons.skip.addEventListener('click', () => answer('skip'));
  buttons.undo.addEventListener('click', () => undo());
  labelMore.addEventListener('click', () => void startSession(annotator, 'more'));
  image.addEventListener('error', () => {
    if (phase === 'labeling' && image.getAttribute('src')) {
      imageError.hidden = false;
    }
  });
  image.addEventListener('load', () => {
    imageError.hidden = true;
  });
  onOutboxEvent((event) => {
    if (event.kind === 'idle' || event.batch.id !== currentBatchId) {
      return;
    }
    const count = event.batch.answers.length;
    const answersText = `${count} ${count === 1 ? 'answer' : 'answers'}`;
    switch (event.kind) {
      case 'sending':
        setSendStatus('pending', event.attempt === 1 ? `Sending ${answersText}…` : `Sending ${answersText} (attempt ${event.attempt} of ${event.attempts})…`);
        break;
      case 'retrying':
        setSendStatus('warn', `Not sent yet: ${event.error.message}. Trying again in ${formatSeconds(event.delayMs)} (attempt ${event.attempt} of ${event.attempts} failed).`);
        break;
      case 'sent': {
        const { recorded, duplicates } = event.result;
        const duplicateText = duplicates > 0 ? `; ${duplicates} had already been recorded` : '';
        setSendStatus('ok', `Saved: ${recorded} ${recorded === 1 ? 'answer' : 'answers'} recorded${duplicateText}.`);
        break;
      }
      case 'failed':
        setSendStatus(
          'error',
          event.error.retryable
            ? `Not sent: ${event.error.message}. Your ${answersText} are kept in this browser; press “Send again” at the top of the page.`
            : `The worker rejected the answers: ${event.error.message}.`,
        );
        break;
    }
  });
}

/** Whether an image is on screen, so leaving the view would interrupt a session. */
export function isLabeling(): boolean {
  return phase === 'labeling';
}

/** Shows the name form again, with the current name selected for editing. */
export function changeName(): void {
  showPanel('start');
  nameInput.focus();
  nameInput.select();
}

/** Puts focus where keyboard work continues when the view is shown. */
export function focusLabelView(): void {
  if (phase === 'start') {
    nameInput.focus();
  } else if (phase === 'labeling') {
    panels.labeling.focus();
  } else if (phase === 'done') {
    labelMore.focus();
  } else {
    panels.empty.focus();
  }
}

/** Keyboard map of the labeling step: H or 1, N or 0, S, U or Backspace. */
export function handleLabelKey(event: KeyboardEvent): void {
  if (phase !== 'labeling' || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target)) {
    return;
  }
  const actions: Record<string, () => void> = {
    h: () => answer(1),
    '1': () => answer(1),
    n: () => answer(0),
    '0': () => answer(0),
    s: () => answer('skip'),
    u: undo,
    backspace: undo,
  };
  const action = actions[event.key.toLowerCase()];
  if (!action) {
    return;
  }
  event.preventDefault();
  // Holding a key down must not answer the next images too.
  if (!event.repeat) {
    action();
  }
}

async function startSession(name: string, origin: 'form' | 'more'): Promise<void> {
  const button = origin === 'form' ? startButton : labelMore;
  const label = button.textContent;
  button.disabled = true;
  button.textContent = 'Loading…';
  try {
    // Answers still in the outbox are not on the worker yet: keep their images out of this session.
    const exclude = pendingImageIds(name);
    const sample = await fetchSample(name, Math.min(MAX_SAMPLE_COUNT, SESSION_SIZE + exclude.size));
    const fresh = sample.images.filter((candidate) => !exclude.has(candidate.id)).slice(0, SESSION_SIZE);

    annotator = name;
    saveName(name);
    nameListener(name);
    setNameError('');
    if (fresh.length === 0) {
      emptyName.textContent = name;
      showPanel('empty');
      panels.empty.focus();
      return;
    }
    images = fresh;
    decisions = [];
    remainingAtStart = Math.max(0, sample.remaining - exclude.size);
    currentBatchId = undefined;
    preloaded.clear();
    showPanel('labeling');
    renderImage();
    panels.labeling.focus();
  } catch (error) {
    const message = error instanceof ApiError ? error.message : String(error);
    showPanel('start');
    setNameError(message);
    nameInput.value = name;
    nameInput.focus();
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
}

function setNameError(message: string): void {
  nameError.textContent = message === '' ? '' : `The worker did not accept this name: ${message}`;
  if (message === '') {
    nameInput.removeAttribute('aria-invalid');
  } else {
    nameInput.setAttribute('aria-invalid', 'true');
  }
}

function showPanel(next: Phase): void {
  phase = next;
  for (const [name, panel] of Object.entries(panels)) {
    panel.hidden = name !== next;
  }
}

function answer(choice: Choice): void {
  if (phase !== 'labeling') {
    return;
  }
  const current = images[decisions.length];
  if (!current) {
    return;
  }
  const decision: Decision = { image: current, choice };
  if (choice !== 'skip') {
    decision.answerId = newUuid();
  }
  decisions.push(decision);
  flash(choice === 1 ? buttons.yes : choice === 0 ? buttons.no : buttons.skip);
  lastAnswer.textContent = `Image ${decisions.length}: ${CHOICE_TEXT[String(choice)]}. Press U or Backspace to undo.`;

  if (decisions.length === images.length) {
    finishSession();
  } else {
    renderImage();
  }
}

function undo(): void {
  if (phase !== 'labeling') {
    return;
  }
  const undone = decisions.pop();
  if (!undone) {
    return;
  }
  lastAnswer.textContent = `Undone: image ${decisions.length + 1} (${CHOICE_TEXT[String(undone.choice)]}). Answer it again.`;
  flash(buttons.undo);
  renderImage();
}

function flash(button: HTMLButtonElement): void {
  button.classList.remove('flash');
  // Reading layout restarts the CSS animation when the same button is pressed twice in a row.
  void button.offsetWidth;
  button.classList.add('flash');
}

function counts(): { yes: number; no: number; skip: number } {
  return {
    yes: decisions.filter((decision) => decision.choice === 1).length,
    no: decisions.filter((decision) => decision.choice === 0).length,
    skip: decisions.filter((decision) => decision.choice === 'skip').length,
  };
}

function renderImage(): void {
  const index = decisions.length;
  const current = images[index];
  if (!current) {
    return;
  }
  progressText.textContent = `Image ${index + 1} of ${images.length}`;
  progressBar.max = images.length;
  progressBar.value = index;
  const { yes, no, skip } = counts();
  tally.yes.textContent = String(yes);
  tally.no.textContent = String(no);
  tally.skip.textContent = String(skip);

  imageError.hidden = true;
  image.alt = `Image ${index + 1} of ${images.length}: is it a hot dog?`;
  image.dataset.imageId = current.id;
  image.src = current.url;
  buttons.undo.disabled = index === 0;
  if (index === 0) {
    lastAnswer.textContent = '';
  }

  const next = images[index + 1];
  if (next && !preloaded.has(next.id)) {
    const loader = new Image();
    loader.decoding = 'async';
    loader.src = next.url;
    preloaded.set(next.id, loader);
  }
}

function finishSession(): void {
  showPanel('done');
  progressBar.value = images.length;
  const answers: Answer[] = decisions.flatMap((decision) =>
    decision.choice === 'skip' || decision.answerId === undefined ? [] : [{ image: decision.image.id, label: decision.choice, answerId: decision.answerId }],
  );
  const { yes, no, skip } = counts();
  const left = Math.max(0, remainingAtStart - answers.length);
  doneSummary.textContent =
    `You looked at ${decisions.length} ${decisions.length === 1 ? 'image' : 'images'}: ${yes} hot ${yes === 1 ? 'dog' : 'dogs'}, ` +
    `${no} not hot ${no === 1 ? 'dog' : 'dogs'}, ${skip} skipped. ` +
    (left > 0 ? `${left} ${left === 1 ? 'image is' : 'images are'} left for you.` : 'You have answered every image.');

  doneList.replaceChildren(
    ...decisions.map((decision, index) =>
      h(
        'li',
        { class: `done-item done-${decision.choice === 1 ? 'yes' : decision.choice === 0 ? 'no' : 'skip'}` },
        h('img', { src: decision.image.url, alt: `Image ${index + 1}`, width: 96, height: 96, loading: 'lazy' }),
        h('span', {}, CHOICE_TEXT[String(decision.choice)]),
      ),
    ),
  );

  if (answers.length === 0) {
    currentBatchId = undefined;
    setSendStatus('ok', 'Nothing to send: every image was skipped.');
  } else {
    const batch = addBatch(annotator, answers);
    currentBatchId = batch.id;
    setSendStatus('pending', `Sending ${answers.length} ${answers.length === 1 ? 'answer' : 'answers'}…`);
    void flush();
  }
  labelMore.focus();
}

function setSendStatus(kind: 'pending' | 'ok' | 'warn' | 'error', text: string): void {
  sendStatus.dataset.state = kind;
  sendStatus.textContent = text;
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}
