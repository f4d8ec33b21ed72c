// refreshAhead, backgroundRefresh, reload(), warm(), close() and health().
import jwksClient = require('../..');

const client = jwksClient({
  jwksUri: 'https://issuer.example/.well-known/jwks.json',
  refreshAhead: true,
  backgroundRefresh: 300000,
});
const windowed = jwksClient({ jwksUri: 'https://issuer.example/jwks', refreshAhead: 60000 });

async function lifecycle(): Promise<void> {
  const warmed: jwksClient.SigningKey[] = await client.warm();
  const reloaded: jwksClient.SigningKey[] = await windowed.reload();
  const health: jwksClient.ClientHealth = client.health();
  const fresh: boolean = health.fresh;
  const at: number | null = health.lastFetchAt ?? health.nextRefreshAt;
  const why: string | undefined = health.lastError?.message;
  const keys: number = health.keys;
  const closed: void = client.close();
  console.log(warmed, reloaded, fresh, at, why, keys, closed);
}

// @ts-expect-error: refreshAhead is a boolean or a number of ms
jwksClient({ jwksUri: 'https://issuer.example/jwks', refreshAhead: 'soon' });

export { lifecycle };
