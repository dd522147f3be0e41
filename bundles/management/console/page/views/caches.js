// Topics and caches: publish rate and subscriber lag; regions with size, hit ratio, invalidations, gap clears.
import { count, percent, rate, sortedBy, yesNo } from '../format.js';
import { html } from '../html.js';
import { ActionButton, Table } from '../ui.js';

export function CachesView({ snap }) {
  const topics = sortedBy(snap.topics, 'name');
  const caches = sortedBy(snap.caches, 'name');
  return html`
    <${Table} caption="Topics" rows=${topics} rowKey=${(t) => t.name} empty="No topics on this cluster yet."
      columns=${[
        { title: 'Name', cell: (t) => t.name },
        { title: 'Published/s', num: true, cell: (t) => rate(t.publishPerSec) },
        { title: 'Published', num: true, cell: (t) => count(t.localPublishOperationCount) },
        { title: 'Received', num: true, cell: (t) => count(t.localReceiveOperationCount) },
        { title: 'Gaps', num: true, cell: (t) => count(t.localGapCount) },
        { title: 'Subscribers', num: true, cell: (t) => count(t.subscriberCount) },
        { title: 'Subscriber lag', num: true, cell: (t) => count(t.subscriberLag) },
      ]} />
    <${Table} caption="Cache regions (this node)" rows=${caches} rowKey=${(c) => c.name} rowAttrs=${(c) => ({ 'data-region': c.name })}
      empty="No cache regions in use on this node."
      columns=${[
        { title: 'Region', cell: (c) => c.name },
        { title: 'Size / max', num: true, cell: (c) => `${count(c.Size)} / ${count(c.MaxObjects)}` },
        { title: 'Hit ratio', num: true, cell: (c) => percent(c.Hits, (c.Hits ?? 0) + (c.Misses ?? 0)) },
        { title: 'Inval. sent', num: true, cell: (c) => count(c.InvalidationsSent) },
        { title: 'Inval. received', num: true, cell: (c) => count(c.InvalidationsReceived) },
        { title: 'Gap clears', num: true, cell: (c) => count(c.GapClears) },
        { title: 'Cluster-wide', cell: (c) => yesNo(c.Distributed) },
        { title: 'Actions', cell: (c) => html`<${ActionButton} label="Clear" title=${`Clear cache region ${c.name}`} danger action="cache.clear" fields=${{ region: c.name }}
          question=${`Every entry of region ${c.name} is removed${c.Distributed ? ' on every node' : ' on this node'}.`} done=${() => `region ${c.name} cleared`} />` },
      ]} />`;
}
