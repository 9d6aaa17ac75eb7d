/** Request bodies that pass the contract; tests break one rule at a time. */
export function provisionedBody(clusterIdentifier = 'analytics-prod') {
  return {
    NamespaceIdentifier: { ProvisionedIdentifier: { ClusterIdentifier: clusterIdentifier } },
    ConsumerIdentifiers: ['DataCatalog/111122223333'],
  };
}

export function serverlessBody() {
  return {
    NamespaceIdentifier: { ServerlessIdentifier: { NamespaceIdentifier: 'sales-ns', WorkgroupIdentifier: 'sales-wg' } },
    ConsumerIdentifiers: ['DataCatalog/444455556666'],
  };
}
