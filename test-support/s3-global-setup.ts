// Placeholder until the SeaweedFS setup lands: provides no S3 endpoint.
export default function setup(): void {}
