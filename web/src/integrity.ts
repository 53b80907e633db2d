// Whether the journal can be trusted, always in view: a small badge in the header (verified,
// head entry and hash, last signed checkpoint) and a red banner across the page when the chain is
// broken, the journal is shorter than its last checkpoint, or an entry cannot be applied. Reads
// /api/integrity at start, every minute, and when the live stream brings entries.
import { get } from './api.ts';
import { h } from './dom.ts';
import { lang } from './i18n.ts';

interface IntegrityView {
  readonly ok: boolean;
  readonly checkedAt: string | null;
  readonly head: { readonly seq: number; readonly hash: string };
  readonly lastCheckpoint: { readonly seq: number; readonly hash: string; readonly at: string; readonly keyId: string } | null;
  readonly badSeq: number | null;
  readonly problems: readonly string[];
  readonly accepted: readonly { readonly seq: number; readonly at: string; readonly actor: string; readonly reason: string }[];
}

const TEXT = {
  en: { ok: 'journal verified', bad: 'JOURNAL NOT TRUSTED', head: 'head', checkpoint: 'last signed checkpoint', none: 'no checkpoint yet', from: (n: number) => `Do not rely on entries from #${n} on.`, accepted: (a: string, at: string) => `Served anyway at ${a}'s request (${at}).` },
  fr: { ok: 'journal vérifié', bad: 'JOURNAL NON FIABLE', head: 'tête', checkpoint: 'dernier point de contrôle signé', none: 'aucun point de contrôle', from: (n: number) => `Ne vous fiez pas aux entrées à partir du n° ${n}.`, accepted: (a: string, at: string) => `Servi malgré tout à la demande de ${a} (${at}).` },
} as const;

/** Mounts the badge into `badgeSlot` and the banner before `bannerBefore`; returns a refresh function and a stop. */
export function mountIntegrity(badgeSlot: HTMLElement, bannerBefore: HTMLElement): { refresh(): void; stop(): void } {
  const badge = h('span', { class: 'integrity-badge', id: 'integrity-badge', role: 'status' }, '…');
  badgeSlot.append(badge);
  let banner: HTMLElement | undefined;
  let pending = false;
  const draw = (v: IntegrityView): void => {
    const x = lang() === 'fr' ? TEXT.fr : TEXT.en;
    const cp = v.lastCheckpoint ? `${x.checkpoint}: #${v.lastCheckpoint.seq} (${v.lastCheckpoint.at.slice(0, 16).replace('T', ' ')}, ${v.lastCheckpoint.keyId})` : x.none;
    badge.textContent = `${v.ok ? '✓' : '✗'} ${v.ok ? x.ok : x.bad}`;
    badge.className = `integrity-badge ${v.ok ? 'ok' : 'broken'}`;
    badge.title = `${x.head}: #${v.head.seq} ${v.head.hash}\n${cp}`;
    banner?.remove();
    banner = undefined;
    if (!v.ok) {
      const last = v.accepted.at(-1);
      banner = h(
        'div',
        { class: 'integrity-banner', id: 'integrity-banner', role: 'alert' },
        h('strong', null, x.bad),
        ...v.problems.map((p) => h('p', null, p)),
        v.badSeq !== null ? h('p', null, x.from(v.badSeq)) : null,
        last ? h('p', { class: 'small' }, x.accepted(last.actor, last.at)) : null,
        h('p', { class: 'small mono' }, `${x.head}: #${v.head.seq} ${v.head.hash} · ${cp}`),
      );
      bannerBefore.before(banner);
    }
  };
  const refresh = (): void => {
    if (pending) return;
    pending = true;
    get<IntegrityView>('/api/integrity')
      .then(draw)
      .catch(() => undefined)
      .finally(() => {
        pending = false;
      });
  };
  refresh();
  const timer = setInterval(refresh, 60_000);
  return { refresh, stop: () => clearInterval(timer) };
}
