import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { matches, problemOf, ruleSetFrom, detectionRule, makeRecord } from '../../../test/support/sigma.ts';
import { parseSigmaString, STAR } from './pattern.ts';
import { compileCidr } from './cidr.ts';

const sel = (body: string): string => `selection:\n${body}\ncondition: selection`;

describe('sigma values and wildcards', () => {
  test('plain values match whole, case-insensitively', () => {
    assert.equal(matches(sel('    Image: C:\\Windows\\System32\\cmd.exe'), { Image: 'c:\\windows\\system32\\CMD.EXE' }), true);
    assert.equal(matches(sel('    Image: C:\\Windows\\System32\\cmd.exe'), { Image: 'C:\\Windows\\System32\\cmd.exe.bak' }), false);
  });

  test('* and ? are wildcards', () => {
    assert.equal(matches(sel("    Image: '*\\cmd.e?e'"), { Image: 'C:\\x\\cmd.exe' }), true);
    // In Sigma `\\*` is a backslash followed by a wildcard (`\*` alone would be a literal star).
    assert.equal(matches(sel("    Image: 'C:\\\\*\\cmd.exe'"), { Image: 'C:\\Windows\\System32\\cmd.exe' }), true);
    assert.equal(matches(sel("    Image: 'C:\\\\*\\cmd.exe'"), { Image: 'D:\\Windows\\cmd.exe' }), false);
    assert.equal(matches(sel("    Image: 'C:\\*'"), { Image: 'C:\\x' }), false);
  });

  test('escaped wildcards are literal; \\\\ before a wildcard is one backslash', () => {
    assert.equal(matches(sel("    CommandLine: 'echo \\*'"), { CommandLine: 'echo *' }), true);
    assert.equal(matches(sel("    CommandLine: 'echo \\*'"), { CommandLine: 'echo hello' }), false);
    assert.equal(matches(sel("    CommandLine: 'what\\?'"), { CommandLine: 'whatx' }), false);
    assert.deepEqual(parseSigmaString('a\\\\*'), ['a\\', STAR]);
    assert.equal(matches(sel("    Path: 'C:\\temp\\\\*'"), { Path: 'C:\\temp\\file.txt' }), true);
  });

  test('a lone backslash before an ordinary character stays a backslash', () => {
    assert.deepEqual(parseSigmaString('C:\\Windows\\'), ['C:\\Windows\\']);
  });

  test('lists are OR, maps are AND', () => {
    const d = sel('    Image|endswith:\n        - \\a.exe\n        - \\b.exe\n    User: bob');
    assert.equal(matches(d, { Image: 'C:\\b.exe', User: 'BOB' }), true);
    assert.equal(matches(d, { Image: 'C:\\b.exe', User: 'alice' }), false);
    assert.equal(matches(d, { Image: 'C:\\c.exe', User: 'bob' }), false);
  });

  test('a list of maps is OR of ANDs', () => {
    const d = sel('    - Image|endswith: \\a.exe\n      User: bob\n    - Image|endswith: \\b.exe');
    assert.equal(matches(d, { Image: 'x\\a.exe', User: 'bob' }), true);
    assert.equal(matches(d, { Image: 'x\\a.exe', User: 'eve' }), false);
    assert.equal(matches(d, { Image: 'x\\b.exe' }), true);
  });

  test('numbers in rules match numeric and string event values', () => {
    assert.equal(matches(sel('    LogonType: 10'), { LogonType: 10 }), true);
    assert.equal(matches(sel('    LogonType: 10'), { LogonType: '10' }), true);
    assert.equal(matches(sel('    LogonType: 10'), { LogonType: '3' }), false);
  });

  test('array event values match when any element matches', () => {
    assert.equal(matches(sel('    Data|contains: evil'), { Data: ['good', 'so evil'] }), true);
  });

  test('null matches an absent or null field; empty string matches only empty', () => {
    assert.equal(matches(sel('    Field: null'), {}), true);
    assert.equal(matches(sel('    Field: null'), { Field: null }), true);
    assert.equal(matches(sel('    Field: null'), { Field: 'x' }), false);
    assert.equal(matches(sel("    Field: ''"), { Field: '' }), true);
    assert.equal(matches(sel("    Field: ''"), {}), false);
  });

  test('field names resolve against System fields: EventID, Channel, Provider_Name, Computer', () => {
    const d = sel('    EventID: 4624\n    Channel: Security\n    Provider_Name: Microsoft-Windows-Security-Auditing\n    Computer: dc01');
    const over = { eventId: 4624, channel: 'Security', provider: 'Microsoft-Windows-Security-Auditing', computer: 'DC01' };
    assert.equal(matches(d, {}, over), true);
    assert.equal(matches(d, {}, { ...over, computer: 'dc02' }), false);
    assert.equal(matches(sel("    Security.UserID: 'S-1-5-18'"), {}, { system: { 'Security.UserID': 'S-1-5-18' } }), true);
  });

  test('field names with spaces (Defender) are reachable without the spaces', () => {
    assert.equal(matches(sel('    ThreatName|contains: EICAR'), { 'Threat Name': 'Virus:DOS/EICAR_Test_File' }), true);
  });

  test('keyword searches look at every EventData value, as substrings', () => {
    const d = 'keywords:\n    - mimikatz\n    - sekurlsa\ncondition: keywords';
    assert.equal(matches(d, { A: 'x', B: 'run Mimikatz.exe now' }), true);
    assert.equal(matches(d, { A: 'x', B: 'benign' }), false);
  });
});

describe('sigma modifiers', () => {
  test('contains, startswith, endswith', () => {
    assert.equal(matches(sel('    CommandLine|contains: whoami'), { CommandLine: 'cmd /c WHOAMI /all' }), true);
    assert.equal(matches(sel('    CommandLine|startswith: cmd'), { CommandLine: 'CMD /c x' }), true);
    assert.equal(matches(sel('    CommandLine|startswith: cmd'), { CommandLine: 'x cmd' }), false);
    assert.equal(matches(sel('    Image|endswith: \\cmd.exe'), { Image: 'C:\\cmd.exe' }), true);
    assert.equal(matches(sel('    Image|endswith: \\cmd.exe'), { Image: 'C:\\cmd.exe2' }), false);
  });

  test('contains keeps inner wildcards working', () => {
    assert.equal(matches(sel("    CommandLine|contains: 'net*user'"), { CommandLine: 'c:\\net.exe  user bob /add' }), true);
    assert.equal(matches(sel("    CommandLine|contains: 'net*user'"), { CommandLine: 'user net' }), false);
  });

  test('all with contains requires every value', () => {
    const d = sel('    CommandLine|contains|all:\n        - vssadmin\n        - delete\n        - shadows');
    assert.equal(matches(d, { CommandLine: 'vssadmin.exe Delete Shadows /all /quiet' }), true);
    assert.equal(matches(d, { CommandLine: 'vssadmin.exe list shadows' }), false);
  });

  test('windash matches -, /, en dash, em dash and horizontal bar', () => {
    const d = sel("    CommandLine|contains|windash: ' -enc '");
    for (const c of ['-', '/', '\u2013', '\u2014', '\u2015']) {
      assert.equal(matches(d, { CommandLine: `powershell ${c}enc AAAA` }), true, c);
    }
    assert.equal(matches(d, { CommandLine: 'powershell +enc AAAA' }), false);
  });

  test('windash with two flags covers every combination', () => {
    const d = sel("    CommandLine|contains|windash: ' -a -b'");
    assert.equal(matches(d, { CommandLine: 'x /a \u2013b' }), true);
    assert.equal(matches(d, { CommandLine: 'x /a +b' }), false);
  });

  test('windash with all and contains', () => {
    const d = sel("    CommandLine|contains|all|windash:\n        - ' -s '\n        - ' -ma '");
    assert.equal(matches(d, { CommandLine: 'procdump /ma lsass' }), false);
    assert.equal(matches(d, { CommandLine: 'procdump /ma -s 5 lsass' }), true);
    assert.equal(matches(d, { CommandLine: 'procdump \u2014s 5 /ma lsass' }), true);
  });

  test('re is case-sensitive; re|i is not; (?i) prefix is honoured', () => {
    assert.equal(matches(sel("    CommandLine|re: 'Invoke-[A-Z]\\w+'"), { CommandLine: 'x Invoke-Mimikatz' }), true);
    assert.equal(matches(sel("    CommandLine|re: 'Invoke-[A-Z]\\w+'"), { CommandLine: 'x invoke-mimikatz' }), false);
    assert.equal(matches(sel("    CommandLine|re|i: 'Invoke-[A-Z]\\w+'"), { CommandLine: 'x invoke-mimikatz' }), true);
    assert.equal(matches(sel("    CommandLine|re: '(?i)invoke-mimikatz'"), { CommandLine: 'INVOKE-MIMIKATZ' }), true);
  });

  test('re|m and re|s sub-modifiers', () => {
    assert.equal(matches(sel("    ScriptBlockText|re|m: '^iex'"), { ScriptBlockText: '$a=1\niex $b' }), true);
    assert.equal(matches(sel("    ScriptBlockText|re: '^iex'"), { ScriptBlockText: '$a=1\niex $b' }), false);
    assert.equal(matches(sel("    ScriptBlockText|re|s: 'a.b'"), { ScriptBlockText: 'a\nb' }), true);
    assert.equal(matches(sel("    ScriptBlockText|re: 'a.b'"), { ScriptBlockText: 'a\nb' }), false);
  });

  test('a regex that does not compile makes the rule unusable with the field named', () => {
    const reason = problemOf(sel("    CommandLine|re: '(unclosed'"));
    assert.match(reason ?? '', /CommandLine\|re.*regex does not compile/);
  });

  test('cidr matches IPv4 and IPv6 networks', () => {
    const d = sel("    IpAddress|cidr:\n        - '10.0.0.0/8'\n        - 'fd00::/8'");
    assert.equal(matches(d, { IpAddress: '10.1.2.3' }), true);
    assert.equal(matches(d, { IpAddress: '11.1.2.3' }), false);
    assert.equal(matches(d, { IpAddress: 'fd12:3456::1' }), true);
    assert.equal(matches(d, { IpAddress: 'fe80::1' }), false);
    assert.equal(matches(d, { IpAddress: '::ffff:10.9.9.9' }), true);
    assert.equal(matches(d, { IpAddress: '-' }), false);
    assert.equal(compileCidr('192.168.1.0/25')('192.168.1.127'), true);
    assert.equal(compileCidr('192.168.1.0/25')('192.168.1.128'), false);
    assert.throws(() => compileCidr('10.0.0.0/33'), /prefix/);
  });

  test('base64 encodes the value', () => {
    const enc = Buffer.from('http://evil').toString('base64');
    assert.equal(matches(sel("    CommandLine|base64|contains: 'http://evil'"), { CommandLine: `x ${enc} y` }), true);
  });

  test('base64offset|contains finds the value at any of the three offsets', () => {
    const d = sel("    CommandLine|base64offset|contains: 'Invoke-Expression'");
    for (const pre of ['', 'a', 'ab', 'abc']) {
      const enc = Buffer.from(`${pre}Invoke-Expression (stuff)`).toString('base64');
      assert.equal(matches(d, { CommandLine: `powershell -e ${enc}` }), true, `prefix '${pre}'`);
    }
    assert.equal(matches(d, { CommandLine: Buffer.from('Get-ChildItem').toString('base64') }), false);
  });

  test('wide|base64offset|contains matches UTF-16LE encoded commands', () => {
    const d = sel("    CommandLine|wide|base64offset|contains: 'ping'");
    for (const pre of ['', 'x', 'xy']) {
      const enc = Buffer.from(`${pre}ping 8.8.8.8`, 'utf16le').toString('base64');
      assert.equal(matches(d, { CommandLine: `powershell -enc ${enc}` }), true, `prefix '${pre}'`);
    }
  });

  test('utf16le, utf16be and utf16 (with BOM) before base64', () => {
    const le = Buffer.from('cmd', 'utf16le').toString('base64');
    assert.equal(matches(sel("    Payload|utf16le|base64: 'cmd'"), { Payload: le }), true);
    const be = Buffer.from([0, 0x63, 0, 0x6d, 0, 0x64]).toString('base64');
    assert.equal(matches(sel("    Payload|utf16be|base64: 'cmd'"), { Payload: be }), true);
    const bom = Buffer.from([0xff, 0xfe, 0x63, 0, 0x6d, 0, 0x64, 0]).toString('base64');
    assert.equal(matches(sel("    Payload|utf16|base64: 'cmd'"), { Payload: bom }), true);
  });

  test('base64 of a wildcard value is refused with a reason', () => {
    assert.match(problemOf(sel("    X|base64: 'a*b'")) ?? '', /wildcards cannot be encoded/);
  });

  test('exists: true and exists: false', () => {
    assert.equal(matches(sel('    Hashes|exists: true'), { Hashes: '' }), true);
    assert.equal(matches(sel('    Hashes|exists: true'), {}), false);
    assert.equal(matches(sel('    Hashes|exists: false'), {}), true);
    assert.equal(matches(sel('    Hashes|exists: false'), { Hashes: 'x' }), false);
  });

  test('cased matches case-sensitively', () => {
    assert.equal(matches(sel('    CommandLine|cased|contains: Mimikatz'), { CommandLine: 'run Mimikatz' }), true);
    assert.equal(matches(sel('    CommandLine|cased|contains: Mimikatz'), { CommandLine: 'run mimikatz' }), false);
  });

  test('neq: the field differs from every listed value', () => {
    const d = sel('    User|neq:\n        - SYSTEM\n        - LOCAL SERVICE');
    assert.equal(matches(d, { User: 'bob' }), true);
    assert.equal(matches(d, { User: 'system' }), false);
    assert.equal(matches(sel('    LogonType|neq: 3'), { LogonType: 10 }), true);
  });

  test('numeric comparisons lt, lte, gt, gte (hex event values too)', () => {
    assert.equal(matches(sel('    Count|gt: 5'), { Count: 6 }), true);
    assert.equal(matches(sel('    Count|gt: 5'), { Count: '5' }), false);
    assert.equal(matches(sel('    Count|gte: 5'), { Count: '5' }), true);
    assert.equal(matches(sel('    Count|lt: 5'), { Count: 4 }), true);
    assert.equal(matches(sel('    Count|lte: 5'), { Count: 6 }), false);
    assert.equal(matches(sel('    Status|gt: 15'), { Status: '0x10' }), true);
    assert.equal(matches(sel('    Count|gt: 5'), { Count: 'many' }), false);
    assert.match(problemOf(sel('    Count|gt: many')) ?? '', /needs a number/);
  });

  test('time modifiers hour, day, month, year, minute, week', () => {
    const data = { UtcTime: '2026-08-20 03:15:00.000' };
    assert.equal(matches(sel('    UtcTime|hour: 3'), data), true);
    assert.equal(matches(sel('    UtcTime|hour|lt: 6'), data), true);
    assert.equal(matches(sel('    UtcTime|minute: 15'), data), true);
    assert.equal(matches(sel('    UtcTime|day: 20'), data), true);
    assert.equal(matches(sel('    UtcTime|month: 8'), data), true);
    assert.equal(matches(sel('    UtcTime|year: 2025'), data), false);
    assert.equal(matches(sel('    UtcTime|week: 34'), data), true);
  });

  test('expand uses configured placeholder values; unconfigured ones make the rule unusable', () => {
    const d = sel("    Workstation|expand: '%admin_hosts%'");
    assert.match(problemOf(d) ?? '', /placeholder %admin_hosts% has no configured values/);
    const opts = { placeholders: { admin_hosts: ['PAW01', 'PAW02'] } };
    assert.equal(matches(d, { Workstation: 'paw02' }, {}, opts), true);
    assert.equal(matches(d, { Workstation: 'ws07' }, {}, opts), false);
    assert.equal(matches(sel("    Path|contains|expand: '\\%share%\\'"), { Path: 'x\\backup$\\y' }, {}, { placeholders: { share: ['backup$'] } }), true);
  });

  test('fieldref compares two fields of the event', () => {
    const d = sel('    TargetFilename|fieldref: Image');
    assert.equal(matches(d, { TargetFilename: 'C:\\a.exe', Image: 'c:\\A.exe' }), true);
    assert.equal(matches(d, { TargetFilename: 'C:\\a.exe', Image: 'C:\\b.exe' }), false);
    assert.equal(matches(d, { TargetFilename: 'C:\\a.exe' }), false);
    assert.equal(matches(sel('    SubjectUserName|fieldref|neq: TargetUserName'), { SubjectUserName: 'a', TargetUserName: 'b' }), true);
    assert.equal(matches(sel('    CommandLine|fieldref|contains: Image'), { CommandLine: '"C:\\a.exe" -x', Image: 'C:\\a.exe' }), true);
  });

  test('unknown modifiers are reported with the field', () => {
    assert.match(problemOf(sel('    Image|endswiht: x')) ?? '', /Image\|endswiht.*unknown modifier 'endswiht'/);
  });
});

describe('sigma conditions', () => {
  const det = (cond: string): string =>
    `sel_a:\n    A: 1\nsel_b:\n    B: 1\nfilter_x:\n    X: 1\n_hidden:\n    H: 1\ncondition: ${cond}`;
  const ev = (o: Record<string, number>): Record<string, string> => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)]));

  test('and, or, not and parentheses with not > and > or precedence', () => {
    assert.equal(matches(det('sel_a and not filter_x'), ev({ A: 1 })), true);
    assert.equal(matches(det('sel_a and not filter_x'), ev({ A: 1, X: 1 })), false);
    assert.equal(matches(det('sel_a or sel_b and filter_x'), ev({ A: 1 })), true);
    assert.equal(matches(det('(sel_a or sel_b) and filter_x'), ev({ A: 1 })), false);
    assert.equal(matches(det('not (sel_a or sel_b)'), ev({ X: 1 })), true);
    assert.equal(matches(det('sel_a AND NOT filter_x'), ev({ A: 1 })), true);
  });

  test('1 of and all of with a prefix pattern', () => {
    assert.equal(matches(det('1 of sel_*'), ev({ B: 1 })), true);
    assert.equal(matches(det('all of sel_*'), ev({ B: 1 })), false);
    assert.equal(matches(det('all of sel_*'), ev({ A: 1, B: 1 })), true);
    assert.equal(matches(det('sel_a and not 1 of filter_*'), ev({ A: 1, X: 1 })), false);
  });

  test('1 of them and all of them ignore identifiers starting with _', () => {
    assert.equal(matches(det('1 of them'), ev({ H: 1 })), false);
    assert.equal(matches(det('1 of them'), ev({ X: 1 })), true);
    assert.equal(matches(det('all of them'), ev({ A: 1, B: 1, X: 1 })), true);
    assert.equal(matches(det('all of them'), ev({ A: 1, B: 1 })), false);
  });

  test('a list of conditions is OR', () => {
    const d = 'sel_a:\n    A: 1\nsel_b:\n    B: 1\ncondition:\n    - sel_a\n    - sel_b';
    assert.equal(matches(d, { B: '1' }), true);
    assert.equal(matches(d, { C: '1' }), false);
  });

  test('bad conditions are reported: unknown identifier, unbalanced parentheses, old aggregations', () => {
    assert.match(problemOf('sel:\n    A: 1\ncondition: sel and nope') ?? '', /unknown search identifier 'nope'/);
    assert.match(problemOf('sel:\n    A: 1\ncondition: (sel') ?? '', /missing \)/);
    assert.match(problemOf('sel:\n    A: 1\ncondition: sel | count() > 5') ?? '', /correlation/);
    assert.match(problemOf('sel:\n    A: 1\ncondition: 1 of nothing*') ?? '', /no search identifier matches/);
  });
});

describe('rule loading and indexing', () => {
  test('process_creation rules apply to Sysmon 1 and to Security 4688 with renamed fields', () => {
    const rs = ruleSetFrom(detectionRule('selection:\n    Image|endswith: \\vssadmin.exe\n    ParentImage|endswith: \\cmd.exe\ncondition: selection', 'product: windows\ncategory: process_creation'));
    let n = 0;
    rs.match(makeRecord({ Image: 'C:\\Windows\\System32\\vssadmin.exe', ParentImage: 'C:\\cmd.exe' }), () => n++);
    rs.match(
      makeRecord({ NewProcessName: 'C:\\Windows\\System32\\vssadmin.exe', ParentProcessName: 'C:\\cmd.exe' }, { channel: 'Security', eventId: 4688 }),
      () => n++,
    );
    rs.match(makeRecord({ Image: 'C:\\Windows\\System32\\vssadmin.exe', ParentImage: 'C:\\cmd.exe' }, { eventId: 3 }), () => n++);
    assert.equal(n, 2);
  });

  test('registry_add adds the EventType condition of its logsource', () => {
    const rs = ruleSetFrom(detectionRule('selection:\n    TargetObject|contains: \\Run\ncondition: selection', 'product: windows\ncategory: registry_add'));
    let n = 0;
    rs.match(makeRecord({ EventType: 'CreateKey', TargetObject: 'HKLM\\...\\Run\\x' }, { eventId: 12 }), () => n++);
    rs.match(makeRecord({ EventType: 'DeleteKey', TargetObject: 'HKLM\\...\\Run\\x' }, { eventId: 12 }), () => n++);
    assert.equal(n, 1);
  });

  test('rules are indexed by channel and EventID so unrelated events test no rule', () => {
    const rs = ruleSetFrom(
      detectionRule('selection:\n    EventID: 4624\n    LogonType: 10\ncondition: selection', 'product: windows\nservice: security') +
        '---\n' +
        detectionRule('selection:\n    Image|endswith: x\ncondition: selection', 'product: windows\ncategory: process_creation').replace('0001', '0002'),
    );
    assert.equal(rs.rules.length, 2);
    assert.equal(rs.candidateCount('Security', 4624), 1);
    assert.equal(rs.candidateCount('Security', 4625), 0);
    assert.equal(rs.candidateCount('Security', 4688), 1);
    assert.equal(rs.candidateCount('Microsoft-Windows-Sysmon/Operational', 1), 1);
    assert.equal(rs.candidateCount('System', 7045), 0);
  });

  test('non-Windows rules are counted as skipped, unknown categories reported with the reason', () => {
    const rs = ruleSetFrom(
      detectionRule('sel:\n    a: 1\ncondition: sel', 'product: linux\nservice: auth') +
        '---\n' +
        detectionRule('sel:\n    a: 1\ncondition: sel', 'product: windows\ncategory: file_access').replace('0001', '0003'),
    );
    assert.equal(rs.skipped, 1);
    assert.equal(rs.problems.length, 1);
    assert.match(rs.problems[0]?.reason ?? '', /no Windows log mapping for category 'file_access'/);
  });

  test('broken YAML is a problem naming the line, not a crash', () => {
    assert.throws(() => ruleSetFrom('title: x\ndetection: [unclosed\n'), /YAML/);
  });

  test('min-level drops lower rules', () => {
    const text = detectionRule('sel:\n    a: 1\ncondition: sel').replace('level: high', 'level: low');
    const rs = ruleSetFrom(text, { minLevel: 'medium' });
    assert.equal(rs.rules.length, 0);
    assert.equal(rs.belowLevel, 1);
  });
});
