import type { Container } from "@azure/cosmos";

/**
 * One line saying what a container is: its database, partition key and provisioned throughput.
 * Reads both from the service rather than echoing the settings, so the line proves what exists.
 */
export async function describeContainer(container: Container): Promise<string> {
  const { resource: definition } = await container.read();
  const partitionKeyPaths = definition?.partitionKey?.paths ?? [];
  const throughput = await readProvisionedThroughput(container);
  return (
    `Container "${container.id}" in database "${container.database.id}": ` +
    `partition key ${partitionKeyPaths.join(", ")}, ${describeThroughput(throughput)}`
  );
}

/** The container's own RU/s, or undefined when it has none (serverless, or shared database throughput). */
async function readProvisionedThroughput(container: Container): Promise<number | undefined> {
  const { resource: offer } = await container.readOffer();
  return offer?.content?.offerThroughput;
}

function describeThroughput(throughput: number | undefined): string {
  return throughput === undefined ? "no dedicated throughput (serverless or shared)" : `${throughput} RU/s`;
}
