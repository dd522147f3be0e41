import { request } from 'node:http';

/** One balancer member as balancer-manager shows it. */
export interface BalancerMember {
  balancer: string;
  /** The member's URL, e.g. `http://127.0.0.1:8009`. */
  name: string;
  route: string;
  /** Apache's status flags, e.g. `Init Ok ` or `Init Dis Ok `. */
  status: string;
  disabled: boolean;
  /** Requests in flight to it (`<httpd:busy>`), when this Apache reports them. */
  busy: number | undefined;
}

interface Answer {
  status: number;
  body: string;
}

function call(url: URL, method: 'GET' | 'POST', body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { referer: `${url.origin}${url.pathname}` };
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    const req = request(url, { method, headers, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', (err) => reject(new Error(`balancer-manager ${url.href}: ${err.message}`)));
    req.end(body);
  });
}

const tag = (xml: string, name: string) => new RegExp(`<httpd:${name}>([^<]*)</httpd:${name}>`).exec(xml)?.[1] ?? '';
const unescape = (s: string) => s.replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&#39;', "'");

/** Every member of every balancer, from the XML view. */
export async function listMembers(managerUrl: string): Promise<BalancerMember[]> {
  const url = new URL(managerUrl);
  url.search = 'xml=1';
  const answer = await call(url, 'GET');
  if (answer.status !== 200 || !answer.body.includes('<httpd:manager')) {
    throw new Error(`balancer-manager ${managerUrl} answered ${answer.status} without its XML view (is the URL right, and is this host allowed?)`);
  }
  const members: BalancerMember[] = [];
  for (const b of answer.body.split('<httpd:balancer>').slice(1)) {
    const balancer = tag(b, 'name').replace(/^balancer:\/\//, '');
    for (const w of b.split('<httpd:worker>').slice(1)) {
      const status = tag(w, 'status');
      const busy = tag(w, 'busy');
      members.push({ balancer, name: tag(w, 'name'), route: unescape(tag(w, 'route')), status, disabled: /\bDis\b/.test(status), busy: busy === '' ? undefined : Number(busy) });
    }
  }
  return members;
}

/** The balancer's nonce, from the links of the HTML page. */
async function nonceOf(managerUrl: string, balancer: string): Promise<string> {
  const url = new URL(managerUrl);
  url.search = '';
  const page = await call(url, 'GET');
  const name = balancer.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const nonce = new RegExp(`[?&;]b=${name}&(?:amp;)?(?:w=[^&"']*&(?:amp;)?)?nonce=([0-9A-Fa-f-]+)`).exec(page.body)?.[1];
  if (!nonce) throw new Error(`balancer-manager ${managerUrl} shows no nonce for balancer ${balancer}`);
  return nonce;
}

/**
 * Switches the member with `route` off (`Disabled`: no requests at all, its sessions move to
 * other nodes) or back on. balancer-manager wants its per-balancer nonce and a Referer naming
 * its own host. Returns the member as read back afterwards; throws when the change did not take.
 */
export async function setDisabled(managerUrl: string, route: string, disabled: boolean): Promise<BalancerMember> {
  const members = await listMembers(managerUrl);
  const member = members.find((m) => m.route === route);
  if (!member) throw new Error(`no balancer member has route ${route}; routes: ${members.map((m) => m.route).join(', ') || 'none'}`);
  const nonce = await nonceOf(managerUrl, member.balancer);
  const url = new URL(managerUrl);
  url.search = '';
  const form = new URLSearchParams({ b: member.balancer, w: member.name, nonce, w_status_D: disabled ? '1' : '0' });
  const posted = await call(url, 'POST', form.toString());
  if (posted.status !== 200) throw new Error(`balancer-manager ${managerUrl} answered ${posted.status} to the change of ${route}`);
  const after = (await listMembers(managerUrl)).find((m) => m.balancer === member.balancer && m.name === member.name);
  if (!after || after.disabled !== disabled) {
    throw new Error(`member ${route} (${member.name}) is still "${after?.status.trim() ?? 'missing'}" after the change: balancer-manager ignored it`);
  }
  return after;
}
