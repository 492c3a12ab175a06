import type { Container, OfferDefinition } from "@azure/cosmos";

/**
 * One line saying what a container is: its database, partition key and provisioned throughput.
 * Reads both from the service rather than echoing the settings, so the line proves what exists.
 */
export async function describeContainer(container: Container): Promise<string> {
  const { resource: definition } = await container.read();
  const partitionKeyPaths = definition?.partitionKey?.paths ?? [];
  const throughput = await readProvisionedThroughput(container, definition?._self);
  return (
    `Container "${container.id}" in database "${container.database.id}": ` +
    `partition key ${partitionKeyPaths.join(", ")}, ${describeThroughput(throughput)}`
  );
}

/**
 * The container's own RU/s, or undefined when it has none (serverless, or shared database throughput).
 * Queries the offers with the `_self` already read: `container.readOffer()` would read the container again.
 */
async function readProvisionedThroughput(container: Container, self: string | undefined): Promise<number | undefined> {
  if (self === undefined) return (await container.readOffer()).resource?.content?.offerThroughput;
  const { resources: offers } = await container.database.client.offers
    .query<OfferDefinition>({ query: "SELECT * FROM root WHERE root.resource = @self", parameters: [{ name: "@self", value: self }] })
    .fetchAll();
  return offers[0]?.content?.offerThroughput;
}

function describeThroughput(throughput: number | undefined): string {
  return throughput === undefined ? "no dedicated throughput (serverless or shared)" : `${throughput} RU/s`;
}
