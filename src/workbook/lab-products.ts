/**
 * The lab's two categories and four products (the Python lab's, with its ids). They are data, not
 * the concept being taught, so every step of notebooks/04-sdk-batch.ipynb imports them from here
 * instead of relying on a cell that defined them earlier: any step can then run on its own.
 *
 * The first three products share the "used accessories" category, so they share a logical
 * partition; the helmet belongs to "pristine accessories", which is why the lab's errant batch fails.
 */

/** The partition key value of the "used accessories" category. */
export const usedAccessories = "9603ca6c-9e28-4a02-9194-51cdb7fea816";
/** The partition key value of the "pristine accessories" category. */
export const pristineAccessories = "0feee2e4-687a-4d69-b64e-be36afc33e74";

/** A type alias (not an interface) so a product is assignable to the SDK's `JSONObject`. */
export type Product = {
  readonly id: string;
  readonly name: string;
  readonly categoryId: string;
};

export const labProducts = Object.freeze({
  saddle: Object.freeze({ id: "0120", name: "Worn Saddle", categoryId: usedAccessories }),
  handlebar: Object.freeze({ id: "012A", name: "Rusty Handlebar", categoryId: usedAccessories }),
  light: Object.freeze({ id: "012B", name: "Flickering Strobe Light", categoryId: usedAccessories }),
  // Deliberately in another category: the errant batch targets the used-accessories partition.
  helmet: Object.freeze({ id: "012C", name: "New Helmet", categoryId: pristineAccessories }),
} satisfies Record<string, Product>);

/** The bell an exercise adds after the helmet: another used accessory. */
export const squeakyBell: Product = Object.freeze({ id: "012D", name: "Squeaky Bell", categoryId: usedAccessories });

/** Ids of every product the lab writes, for clearing them so a cell gives the same result again. */
export const labProductIds: readonly string[] = Object.freeze(
  [...Object.values(labProducts), squeakyBell].map((product) => product.id),
);
