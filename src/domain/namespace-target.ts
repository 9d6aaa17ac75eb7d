/** What a registration is about: a provisioned cluster, or a serverless namespace and workgroup. */
export type NamespaceTarget =
  | { readonly kind: 'provisioned'; readonly clusterIdentifier: string }
  | {
      readonly kind: 'serverless';
      readonly namespaceIdentifier: string;
      readonly workgroupIdentifier: string;
    };

/**
 * Whether a serverless namespace or workgroup identifier is an id (a UUID) rather than a name. Names
 * may take the same form in theory; Redshift Serverless reads such an identifier as an id.
 */
export function isServerlessId(identifier: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(identifier);
}

/** The target as a caller would name it, for problem details: "cluster 'analytics-prod'". */
export function describeTarget(target: NamespaceTarget): string {
  return target.kind === 'provisioned'
    ? `cluster '${target.clusterIdentifier}'`
    : `serverless namespace '${target.namespaceIdentifier}' with workgroup '${target.workgroupIdentifier}'`;
}
