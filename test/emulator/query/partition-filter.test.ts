/** Which queries are confined to one logical partition by their WHERE, and so read only it. */
import { describe, expect, it } from "vitest";
import { partitionOfQuery } from "../../../src/emulator/query/partition-filter";

const flat = [["categoryId"]];
const hierarchical = [["tenant"], ["address", "zip"]];
const none = new Map<string, unknown>();

describe("partitionOfQuery", () => {
  it("finds the key in an equality, on either side, among other conditions", () => {
    expect(partitionOfQuery("SELECT * FROM c WHERE c.categoryId = 'bikes'", none, flat)).toEqual(["bikes"]);
    expect(partitionOfQuery("SELECT * FROM c WHERE c.price > 3 AND 'bikes' = c['categoryId']", none, flat)).toEqual([
      "bikes",
    ]);
    expect(partitionOfQuery("SELECT * FROM c WHERE c.categoryId = @k", new Map([["@k", 7]]), flat)).toEqual([7]);
  });

  it("needs every component of a hierarchical key", () => {
    const query = "SELECT * FROM p WHERE p.tenant = 'contoso' AND p.address.zip = 98052";
    expect(partitionOfQuery(query, none, hierarchical)).toEqual(["contoso", 98052]);
    expect(partitionOfQuery("SELECT * FROM p WHERE p.tenant = 'contoso'", none, hierarchical)).toBeUndefined();
  });

  it("is not fooled by OR, other comparisons, other aliases or a FROM below the item", () => {
    expect(partitionOfQuery("SELECT * FROM c WHERE c.categoryId = 'a' OR c.x = 1", none, flat)).toBeUndefined();
    expect(partitionOfQuery("SELECT * FROM c WHERE c.categoryId > 'a'", none, flat)).toBeUndefined();
    expect(partitionOfQuery("SELECT * FROM c JOIN t IN c.tags WHERE t.categoryId = 'a'", none, flat)).toBeUndefined();
    expect(partitionOfQuery("SELECT * FROM c.child WHERE child.categoryId = 'a'", none, flat)).toBeUndefined();
    expect(partitionOfQuery("SELECT * FROM c", none, flat)).toBeUndefined();
  });
});
