/** Reason code of a `DemoImagesError`. */
export type DemoImagesErrorCode = 'DEMO_IMAGES_NOT_FOUND' | 'INVALID_DEMO_MANIFEST';

/** Raised when the package's `demo-images` folder is missing or its `manifest.csv` is malformed. */
export class DemoImagesError extends Error {
  readonly code: DemoImagesErrorCode;
  /** The folder or file that was being read. */
  readonly path: string;

  constructor(code: DemoImagesErrorCode, path: string, message: string) {
    super(message);
    this.name = 'DemoImagesError';
    this.code = code;
    this.path = path;
  }
}
