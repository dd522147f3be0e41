import { liteMember } from './liteMember.js';

/**
 * A topic subscriber in its own process (so a test can SIGSTOP it): joins as a lite member at
 * argv[2] with the static list argv[3], subscribes to topic argv[4] and prints `msg SEQ PAYLOAD`
 * and `gap FROM TO` lines. Stops on SIGTERM.
 */
const [address, nodes, topic] = process.argv.slice(2);
const member = await liteMember(address, nodes.split(','));
member.layer.getTopic<unknown>(topic).subscribe({
  message: (m) => process.stdout.write(`msg ${m.sequence} ${JSON.stringify(m.payload)}\n`),
  gap: (g) => process.stdout.write(`gap ${g.from} ${g.to}\n`),
});
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void member.stop().finally(() => process.exit(0));
});
