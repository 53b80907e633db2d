// Who to call and how, when the switchboard and email are down: who holds which position of the
// crisis cell in the current operational period, which channels work now, the external parties,
// and the fallback directory of direct numbers per site and service.
import { get, post } from './api.ts';
import { clear, h } from './dom.ts';
import { fmtTime, svcLabel, t, tw } from './i18n.ts';
import type { Coordination } from './coord-types.ts';
import { CHANNEL_STATUSES, CHANNELS, PARTY_TYPES, currentPeriod, holderOf } from './coord-types.ts';
import { cellNow, keepFocus, positionOptions } from './coordination.ts';
import { disclosure, field, input, makeForm, select, textarea, val } from './forms.ts';
import type { AppCtx, View } from './view.ts';

interface BoardCell { readonly site: string; readonly siteName: string; readonly service: string; readonly serviceId: string; readonly name: string; readonly status: string; readonly criticality: string; readonly phone?: string }
interface Site { readonly id: string; readonly name: string; readonly kind: string }

const stampLine = (s: { actor: string; at: string }): string => `${s.actor} · ${fmtTime(s.at)}`;

export function contactsView(ctx: AppCtx): View {
  const cellBox = h('div', { id: 'positions' });
  const channelBox = h('div', { id: 'channels' });
  const contactBox = h('div', { id: 'contacts' });
  const dirBox = h('div', { id: 'directory' });
  const dirSite = h('select', { id: 'dir-site' });
  let cells: BoardCell[] = [];
  let sites: Site[] = [];
  let c: Coordination | undefined;
  let periodTitle = h('span');

  const drawDirectory = (): void => {
    if (!c) return;
    const site = dirSite.value;
    const rows = cells.filter((x) => x.site === site && x.phone).sort((a, b) => a.name.localeCompare(b.name));
    const extra = c.contacts.filter((x) => x.site === site || (x.service !== undefined && x.service.endsWith(`@${site}`)));
    clear(dirBox);
    dirBox.append(rows.length + extra.length === 0
      ? h('p', null, t('none'))
      : h('table', { class: 'list directory', id: 'directory-table' },
          h('thead', null, h('tr', null, [t('service'), t('status'), t('phone')].map((x) => h('th', { scope: 'col' }, x)))),
          h('tbody', null,
            rows.map((x) => h('tr', { 'data-service': x.serviceId }, h('td', null, x.name), h('td', null, h('span', { class: `badge chs-${x.status}` }, tw(x.status))), h('td', { class: 'nowrap mono phone' }, x.phone ?? ''))),
            extra.map((x) => h('tr', { 'data-contact': x.id }, h('td', null, x.name, x.service ? h('small', null, ` (${svcLabel(x.service.split('@')[0] ?? '')})`) : null), h('td', null, x.function ?? tw(`pt_${x.party}`)), h('td', { class: 'nowrap mono phone' }, [x.phone, x.mobile, x.radio].filter(Boolean).join(' / ')))))));
  };

  const load = async (): Promise<void> => {
    const now = (await cellNow())();
    const [coord, board] = await Promise.all([get<Coordination>('/api/coordination'), get<{ cells: BoardCell[]; sites: Site[] }>('/api/board')]);
    c = coord;
    cells = board.cells;
    if (sites.length === 0) {
      sites = board.sites.filter((s) => board.cells.some((x) => x.site === s.id));
      for (const s of sites) dirSite.append(h('option', { value: s.id }, s.name));
      if (!formsBox.firstChild) formsBox.append(...forms(coord, now));
    }
    const period = currentPeriod(coord, now);
    periodTitle.textContent = period ? `${period.id} — ${period.name}` : t('noPeriod');
    keepFocus(() => {
      clear(cellBox);
      cellBox.append(h('table', { class: 'list', id: 'positions-table' },
        h('thead', null, h('tr', null, [t('position'), t('holder'), t('reach'), t('since')].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', null, coord.positions.map((p) => {
          const a = holderOf(coord, p.id, period);
          return h('tr', { 'data-position': p.id }, h('th', { scope: 'row' }, p.title), h('td', null, a?.person ?? h('span', { class: 'warn' }, t('vacant'))), h('td', { class: 'nowrap mono' }, a?.reach ?? ''), h('td', { class: 'meta nowrap' }, a ? fmtTime(a.stamp.at) : ''));
        }))));
      clear(channelBox);
      const chans = [...coord.channels].sort((a, b) => Number(a.status === 'working') - Number(b.status === 'working') || a.channel.localeCompare(b.channel));
      channelBox.append(chans.length === 0 ? h('p', null, t('none')) : h('table', { class: 'list', id: 'channels-table' },
        h('thead', null, h('tr', null, [t('channel'), t('scope'), t('status'), t('fallback'), t('recordedBy')].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', null, chans.map((x) => h('tr', { 'data-channel': `${x.channel}${x.site ? `@${x.site}` : ''}` },
          h('th', { scope: 'row' }, tw(`ch_${x.channel}`)),
          h('td', null, x.site ? sites.find((s) => s.id === x.site)?.name ?? x.site : t('wholeGroup')),
          h('td', null, h('span', { class: `badge chs-${x.status}` }, tw(`cs_${x.status}`))),
          h('td', null, x.fallback ?? '', x.note ? h('span', { class: 'meta' }, ` (${x.note})`) : null),
          h('td', { class: 'meta nowrap' }, stampLine(x.stamp)))))));
      clear(contactBox);
      const parties = coord.contacts.filter((x) => !x.site && !x.service);
      contactBox.append(parties.length === 0 ? h('p', null, t('none')) : h('table', { class: 'list', id: 'contacts-table' },
        h('thead', null, h('tr', null, [t('contactName'), t('party'), t('phone'), t('notes')].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', null, parties.map((x) => h('tr', { 'data-contact': x.id },
          h('td', null, h('strong', null, x.name), x.organisation ? h('br') : null, x.organisation ?? '', x.function ? h('small', null, ` · ${x.function}`) : null),
          h('td', null, tw(`pt_${x.party}`)),
          h('td', { class: 'mono' }, [x.phone, x.mobile ? `${t('mobileShort')} ${x.mobile}` : '', x.radio ? `${t('radioShort')} ${x.radio}` : ''].filter(Boolean).join(' · '), x.email ? [h('br'), x.email] : null),
          h('td', null, x.notes ?? ''))))));
      drawDirectory();
    });
  };

  const formsBox = h('div', { class: 'forms-row' });
  const forms = (coord: Coordination, now: number): HTMLElement[] => {
    const out: HTMLElement[] = [];
    const siteOptions = (): [string, string][] => sites.map((s) => [s.id, s.name]);
    if (ctx.can('position.assign')) {
      const period = currentPeriod(coord, now);
      const position = field('position', 'assign-position', t('position'), select(positionOptions(coord.positions)));
      const person = field('person', 'assign-person', t('holder'), input({ required: true, size: '36', autocomplete: 'off' }));
      const reach = field('reach', 'assign-reach', t('reach'), input({ size: '24', inputmode: 'tel' }));
      const per = field('period', 'assign-period', t('period'), select([['', t('fromNowOn')], ...coord.periods.map((p) => [p.id, `${p.id} — ${p.name}`] as [string, string])]));
      per.control.value = period?.id ?? '';
      out.push(disclosure('assign-open', t('assignPosition'), (close) => makeForm(ctx, {
        id: 'assign-form', title: t('assignPosition'), fields: [position, person, reach, per], submit: t('assign'), cancel: close,
        send: async () => post('/api/positions/assign', { position: position.control.value, person: person.control.value.trim(), ...(val(reach.control) ? { reach: val(reach.control) } : {}), ...(val(per.control) ? { period: per.control.value } : {}) }),
        done: close,
      }).el));
    }
    if (ctx.can('channel.set')) {
      const channel = field('channel', 'channel-name', t('channel'), select(CHANNELS.map((x) => [x, tw(`ch_${x}`)] as [string, string])));
      const site = field('site', 'channel-site', t('scope'), select([['', t('wholeGroup')], ...siteOptions()]));
      const status = field('status', 'channel-status', t('status'), select(CHANNEL_STATUSES.map((x) => [x, tw(`cs_${x}`)] as [string, string])));
      const fallback = field('fallback', 'channel-fallback', t('fallback'), input({ size: '40' }), t('fallbackHint'));
      const note = field('note', 'channel-note', t('note'), input({ size: '40' }));
      out.push(disclosure('channel-open', t('setChannel'), (close) => makeForm(ctx, {
        id: 'channel-form', title: t('setChannel'), fields: [channel, site, status, fallback, note], submit: t('record'), cancel: close,
        send: async () => post('/api/channels', { channel: channel.control.value, status: status.control.value, ...(val(site.control) ? { site: site.control.value } : {}), ...(val(fallback.control) ? { fallback: val(fallback.control) } : {}), ...(val(note.control) ? { note: val(note.control) } : {}) }),
        done: close,
      }).el));
    }
    if (ctx.can('contact.manage')) {
      const name = field('name', 'contact-name', t('contactName'), input({ required: true, size: '36', autocomplete: 'off' }));
      const party = field('party', 'contact-party', t('party'), select(PARTY_TYPES.map((x) => [x, tw(`pt_${x}`)] as [string, string])));
      const org = field('organisation', 'contact-org', t('organisation'), input({ size: '36' }));
      const fn = field('function', 'contact-function', t('function'), input({ size: '36' }));
      const phone = field('phone', 'contact-phone', t('phone'), input({ type: 'tel', size: '20' }), t('reachHint'));
      const mobile = field('mobile', 'contact-mobile', t('mobile'), input({ type: 'tel', size: '20' }));
      const email = field('email', 'contact-email', t('email'), input({ type: 'email', size: '30' }));
      const site = field('site', 'contact-site', t('site'), select([['', '—'], ...siteOptions()]), t('siteHint'));
      const service = field('service', 'contact-service', t('service'), select([['', '—']]));
      site.control.addEventListener('change', () => {
        clear(service.control);
        service.control.append(h('option', { value: '' }, '—'), ...cells.filter((x) => x.site === site.control.value).map((x) => h('option', { value: x.serviceId }, x.name)));
      });
      const notes = field('notes', 'contact-notes', t('notes'), textarea({ rows: '2' }));
      out.push(disclosure('contact-open', t('addContact'), (close) => makeForm(ctx, {
        id: 'contact-form', title: t('addContact'), fields: [name, party, org, fn, phone, mobile, email, site, service, notes], submit: t('record'), cancel: close,
        send: async () => {
          const body: Record<string, unknown> = { name: name.control.value.trim(), party: party.control.value };
          for (const f of [org, fn, phone, mobile, email, site, service, notes]) if (val(f.control)) body[f.name] = val(f.control);
          return post('/api/contacts', body);
        },
        done: close,
      }).el));
    }
    return out;
  };

  dirSite.addEventListener('change', drawDirectory);
  periodTitle = h('span', { id: 'period-name' });
  const el = h('section', { class: 'view view-contacts', 'aria-labelledby': 'contacts-h' },
    h('h1', { id: 'contacts-h' }, t('contactsTitle')),
    formsBox,
    h('section', { class: 'panel', 'aria-labelledby': 'chan-title' }, h('h2', { id: 'chan-title' }, t('channelsNow')), channelBox),
    h('div', { class: 'two-col even' },
      h('div', null,
        h('section', { class: 'panel', 'aria-labelledby': 'pos-title' }, h('h2', { id: 'pos-title' }, t('crisisCell')), h('p', { class: 'meta' }, `${t('period')} `, periodTitle), cellBox)),
      h('div', null,
        h('section', { class: 'panel', 'aria-labelledby': 'dir-title' }, h('h2', { id: 'dir-title' }, t('directoryTitle')), h('p', { class: 'meta' }, t('directoryIntro')), h('div', { class: 'toolbar' }, h('label', { for: 'dir-site' }, t('site')), dirSite), dirBox))),
    h('section', { class: 'panel', 'aria-labelledby': 'parties-title' }, h('h2', { id: 'parties-title' }, t('partiesTitle')), contactBox));
  return {
    el,
    refresh: load,
    onEntries(entries) {
      if (entries.some((e) => /^(contact|channel|position|period|asset|measure)/.test(e.kind))) load().catch(ctx.fail);
    },
  };
}
