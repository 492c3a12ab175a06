/**
 * The lab's products and categories, exactly as notebooks/04-sdk-batch.ipynb defines them (the
 * notebook spells them out for the learner, so it does not import these): two batches in the
 * "used accessories" category, the second of which carries a helmet from another category. The
 * tests use them to check the helpers against the notebook's own data.
 */

export const usedAccessoriesCategoryId = "9603ca6c-9e28-4a02-9194-51cdb7fea816";
export const pristineAccessoriesCategoryId = "0feee2e4-687a-4d69-b64e-be36afc33e74";

/** A type alias (not an interface) so a product is assignable to the SDK's `JSONObject`. */
export type Product = {
  readonly id: string;
  readonly name: string;
  readonly categoryId: string;
};

export const labProducts = Object.freeze({
  saddle: Object.freeze({ id: "0120", name: "Worn Saddle", categoryId: usedAccessoriesCategoryId }),
  handlebar: Object.freeze({ id: "012A", name: "Rusty Handlebar", categoryId: usedAccessoriesCategoryId }),
  light: Object.freeze({ id: "012B", name: "Flickering Strobe Light", categoryId: usedAccessoriesCategoryId }),
  // Deliberately in another category: the batch below targets the used-accessories partition.
  helmet: Object.freeze({ id: "012C", name: "New Helmet", categoryId: pristineAccessoriesCategoryId }),
} satisfies Record<string, Product>);

/** Ids of every product the lab writes, for cleaning up so cells give the same result when re-run. */
export const labProductIds: readonly string[] = Object.freeze(Object.values(labProducts).map((product) => product.id));
