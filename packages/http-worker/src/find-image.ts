import { IMAGE_TYPES, imageKey, type CatalogImage, type ImageCatalog, type ObjectStore } from '@hotdog-lab/label-store';

/**
 * Finds an image by id: in the catalog first, then in the store under each accepted
 * extension, so an image uploaded through another worker is served before the next catalog
 * refresh. A find in the store is added to the catalog.
 *
 * Costs at most four HEAD requests for an id that the catalog does not hold.
 */
export async function findImage(store: ObjectStore, catalog: ImageCatalog, id: string): Promise<CatalogImage | undefined> {
  const known = catalog.get(id);
  if (known) {
    return known;
  }

  const found = await Promise.all(
    IMAGE_TYPES.map(async (type) => {
      const key = imageKey(id, type.extension);
      const info = await store.head(key);
      return info ? { id, key, contentType: type.contentType, size: info.size } : undefined;
    }),
  );
  const image = found.find((candidate) => candidate !== undefined);
  if (image) {
    catalog.add(image);
  }
  return image;
}
