// The root package does not depend on the AWS SDK, so a bare `@aws-sdk/client-s3` import from
// this folder does not resolve. This file re-exports the copy installed for label-store, which
// is also the version that the stores under test use.
export {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '../packages/label-store/node_modules/@aws-sdk/client-s3';
