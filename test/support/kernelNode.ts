/** Settings that put a node (connector and grid) on its own loopback address, with its route. */
export function on(host: string, route: string): Record<string, string> {
  return {
    'com.openexchange.server.backendRoute': route,
    'com.openexchange.connector.networkListenerHost': host,
    'com.openexchange.hazelcast.network.interfaces': host,
  };
}

/** `GET /health` of the node whose connector is on `host:8009`: the status code and the JSON body. */
export async function health(host: string): Promise<{ status: number; body: { status: string; bundles: Record<string, string> } }> {
  const res = await fetch(`http://${host}:8009/health`);
  return { status: res.status, body: (await res.json()) as { status: string; bundles: Record<string, string> } };
}
