import { randomUUID } from 'node:crypto';

/** Small HTTP helpers for the labeling API, shared by the in-process and multi-process tests. */

export interface SampledImage {
  id: string;
  url: string;
  contentType: string;
}

export async function fetchSample(baseUrl: string, annotator: string, count?: number): Promise<{ images: SampledImage[]; remaining: number }> {
  const query = new URLSearchParams({ annotator });
  if (count !== undefined) {
    query.set('count', String(count));
  }
  const response = await fetch(`${baseUrl}/v1/images/sample?${query}`);
  if (response.status !== 200) {
    throw new Error(`sample for ${annotator} answered ${response.status}: ${await response.text()}`);
  }
  return (await response.json()) as { images: SampledImage[]; remaining: number };
}

export interface PostedAnswer {
  image: string;
  label: 0 | 1;
  answerId: string;
}

export function makeAnswers(images: readonly { id: string }[], label: (index: number) => 0 | 1 = (index) => (index % 2 === 0 ? 1 : 0)): PostedAnswer[] {
  return images.map((image, index) => ({ image: image.id, label: label(index), answerId: randomUUID() }));
}

export async function postLabels(baseUrl: string, body: unknown): Promise<Response> {
  return fetch(`${baseUrl}/v1/labels`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

export interface UploadPart {
  fileName: string;
  bytes: Uint8Array;
  type?: string;
}

export async function uploadImages(baseUrl: string, annotator: string | undefined, parts: readonly UploadPart[]): Promise<Response> {
  const form = new FormData();
  if (annotator !== undefined) {
    form.append('annotator', annotator);
  }
  for (const part of parts) {
    form.append('image', new Blob([part.bytes], { type: part.type ?? 'application/octet-stream' }), part.fileName);
  }
  return fetch(`${baseUrl}/v1/images`, { method: 'POST', body: form });
}
