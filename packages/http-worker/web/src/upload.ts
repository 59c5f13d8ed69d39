import { errorFromResponse, imageUrl, NETWORK_ERROR_MESSAGE, type UploadedImage } from './api.js';
import { byId, formatBytes, h } from './dom.js';
import { loadName } from './storage.js';

/**
 * The upload view: files picked or dropped are sent one request per file, one after another,
 * with `XMLHttpRequest` so that upload progress events drive each file's progress bar. Each file
 * shows the worker's answer: the stored image, or the worker's error message for that file.
 */

interface UploadJob {
  file: File;
  annotator: string;
  progress: HTMLProgressElement;
  status: HTMLElement;
  item: HTMLLIElement;
}

const dropZone = byId('drop-zone');
const fileInput = byId<HTMLInputElement>('file-input');
const list = byId<HTMLUListElement>('upload-list');
const needName = byId('upload-need-name');

const queue: UploadJob[] = [];
let running = false;

export function initUpload(): void {
  fileInput.addEventListener('change', () => {
    if (fileInput.files) {
      addFiles([...fileInput.files]);
    }
    // Picking the same file again must fire `change` again.
    fileInput.value = '';
  });

  dropZone.addEventListener('dragenter', (event) => {
    event.preventDefault();
    dropZone.classList.add('dragging');
  });
  dropZone.addEventListener('dragover', (event) => {
    event.preventDefault();
    if (event.dataTransfer) {
      event.dataTransfer.dropEffect = canUpload() ? 'copy' : 'none';
    }
  });
  dropZone.addEventListener('dragleave', (event) => {
    if (!dropZone.contains(event.relatedTarget as Node | null)) {
      dropZone.classList.remove('dragging');
    }
  });
  dropZone.addEventListener('drop', (event) => {
    event.preventDefault();
    dropZone.classList.remove('dragging');
    addFiles([...(event.dataTransfer?.files ?? [])]);
  });
  // A file dropped beside the zone must not make the browser leave the page to open it.
  window.addEventListener('dragover', (event) => event.preventDefault());
  window.addEventListener('drop', (event) => event.preventDefault());
}

/** Updates the view for the current annotator: uploads need a name. */
export function refreshUploadView(): void {
  const allowed = canUpload();
  needName.hidden = allowed;
  fileInput.disabled = !allowed;
  dropZone.classList.toggle('disabled', !allowed);
}

function canUpload(): boolean {
  return loadName() !== '';
}

function addFiles(files: File[]): void {
  const annotator = loadName();
  if (annotator === '' || files.length === 0) {
    refreshUploadView();
    return;
  }
  for (const file of files) {
    const progress = h('progress', { max: 100, value: 0, 'aria-label': `Upload of ${file.name}` });
    const status = h('p', { class: 'upload-status', 'data-state': 'pending' }, 'Waiting…');
    const item = h(
      'li',
      { class: 'upload-item' },
      h('div', { class: 'upload-head' }, h('span', { class: 'file-name' }, file.name), h('span', { class: 'file-size' }, formatBytes(file.size))),
      progress,
      status,
    );
    list.prepend(item);
    queue.push({ file, annotator, progress, status, item });
  }
  void runQueue();
}

async function runQueue(): Promise<void> {
  if (running) {
    return;
  }
  running = true;
  try {
    for (let job = queue.shift(); job; job = queue.shift()) {
      await upload(job);
    }
  } finally {
    running = false;
  }
}

function upload(job: UploadJob): Promise<void> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/v1/images');
    xhr.setRequestHeader('accept', 'application/json');
    setStatus(job, 'pending', 'Uploading…');

    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable && event.total > 0) {
        const percent = Math.round((event.loaded / event.total) * 100);
        job.progress.value = percent;
        setStatus(job, 'pending', percent < 100 ? `Uploading… ${percent}%` : 'Checking the image…');
      }
    });
    xhr.addEventListener('load', () => {
      job.progress.value = 100;
      if (xhr.status === 201) {
        showStored(job, xhr.responseText);
      } else {
        const error = errorFromResponse(xhr.status, xhr.responseText, xhr.getResponseHeader('retry-after'));
        setStatus(job, 'error', error.message);
      }
      resolve();
    });
    xhr.addEventListener('error', () => {
      setStatus(job, 'error', `Not uploaded: ${NETWORK_ERROR_MESSAGE}.`);
      resolve();
    });
    xhr.addEventListener('abort', () => {
      setStatus(job, 'error', 'Not uploaded: the upload was cancelled.');
      resolve();
    });

    // The worker reads the annotator before the files, so the field goes first.
    const form = new FormData();
    form.append('annotator', job.annotator);
    form.append('image', job.file, job.file.name);
    xhr.send(form);
  });
}

function showStored(job: UploadJob, responseText: string): void {
  let stored: UploadedImage | undefined;
  try {
    stored = (JSON.parse(responseText) as { images: UploadedImage[] }).images[0];
  } catch {
    stored = undefined;
  }
  if (!stored) {
    setStatus(job, 'error', 'The worker answered 201 but named no stored image.');
    return;
  }
  const type = stored.contentType.replace('image/', '').toUpperCase();
  setStatus(
    job,
    'ok',
    `${stored.created ? 'Added to the catalog' : 'Already in the catalog'}: ${stored.width} × ${stored.height} ${type}, id ${stored.id.slice(0, 12)}.`,
  );
  job.item.dataset.imageId = stored.id;
  job.item.classList.add('has-thumb');
  job.item.prepend(h('img', { class: 'upload-thumb', src: imageUrl(stored.id), alt: '', width: 56, height: 56 }));
}

function setStatus(job: UploadJob, state: 'pending' | 'ok' | 'error', text: string): void {
  job.status.dataset.state = state;
  job.status.textContent = text;
  if (state === 'error') {
    job.item.classList.add('failed');
  }
}
