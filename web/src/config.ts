/** Where the app finds its OpenID provider: `/config.json`, from the gateway or written at deploy. */
export interface WebConfig {
  authority: string;
  clientId: string;
  scope: string;
  redirectPath: string;
}

export async function loadConfig(): Promise<WebConfig> {
  const res = await fetch('/config.json', { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`could not load the sign-in settings (${res.status})`);
  const c = (await res.json()) as Partial<WebConfig>;
  if (!c.authority || !c.clientId || !c.scope || !c.redirectPath) {
    throw new Error('the sign-in settings are incomplete');
  }
  return c as WebConfig;
}
