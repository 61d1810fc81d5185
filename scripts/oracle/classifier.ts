// Development oracle: compiles the classifier that `mcp-apim compile` generates for a config with
// real C# (Mono + Newtonsoft.Json) and runs requests through it, printing one decision per line.
// Needs `apt-get install mono-mcs libnewtonsoft-json5.0-cil`; not part of `npm test`.
//   node scripts/oracle/classifier.ts <config.yaml> <requests.jsonl>
// Each request line: {"method":"POST","headers":{…},"bodyText":"…","claims":{…}}
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/load.ts';
import { classifierBody } from '../../src/emit/policy/classifier.ts';
import { buildPlan } from '../../src/plan/build.ts';

const [configFile, requestsFile] = process.argv.slice(2);
if (!configFile || !requestsFile) throw new Error('usage: classifier.ts <config.yaml> <requests.jsonl>');
const loaded = loadConfig(configFile, readFileSync(configFile, 'utf8'), { readFile: (p) => readFileSync(p, 'utf8') });
if (!loaded.config) throw new Error(JSON.stringify(loaded.diagnostics));
const { plan } = buildPlan(loaded.config);
const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mcp-apim-oracle-'));
const requests = readFileSync(requestsFile, 'utf8').split('\n').filter((l) => l.trim());
const b64 = (s: string) => Buffer.from(s).toString('base64url');
const program = `using System; using System.Collections.Generic; using System.Linq; using System.Text; using System.Text.RegularExpressions;
using Newtonsoft.Json; using Newtonsoft.Json.Linq;
public static class Program {
  static JObject Classify(Ctx context) {
${classifierBody(plan)}
  }
  public static void Main() {
    foreach (var line in System.IO.File.ReadAllLines(${JSON.stringify(join(dir, 'requests.jsonl'))})) {
      var r = JObject.Parse(line);
      var headers = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
      foreach (var h in ((JObject)r["headers"]).Properties()) headers[h.Name] = new[] { (string)h.Value };
      var ctx = new Ctx { Request = new Req { Method = (string)r["method"], Headers = headers, Body = r["bodyText"] == null ? null : new Body((string)r["bodyText"]) } };
      // What validate-azure-ad-token / validate-jwt store for the accepted token.
      if (headers.ContainsKey("Authorization")) { var jwt = headers["Authorization"][0].Substring(7).AsJwt(); if (jwt != null) ctx.Variables["mcp-apim-token"] = jwt; }
      var d = Classify(ctx);
      d.Remove("roleIndexes");
      Console.WriteLine(d.ToString(Formatting.None));
    }
  }
}`;
writeFileSync(join(dir, 'Program.cs'), program);
writeFileSync(
  join(dir, 'requests.jsonl'),
  requests
    .map((l) => {
      const r = JSON.parse(l) as { claims?: Record<string, unknown>; headers?: Record<string, string> };
      const headers = { ...(r.headers ?? {}) };
      if (r.claims) headers.Authorization = `Bearer ${b64('{"alg":"none"}')}.${b64(JSON.stringify(r.claims))}.sig`;
      return JSON.stringify({ ...r, headers });
    })
    .join('\n'),
);
const newtonsoft = '/usr/lib/cli/Newtonsoft.Json-5.0/Newtonsoft.Json.dll';
execFileSync('mcs', ['-langversion:7', '-nowarn:219,168', `-r:${newtonsoft}`, '-out:' + join(dir, 'p.exe'), join(here, 'Context.cs'), join(dir, 'Program.cs')], { stdio: 'inherit' });
process.stdout.write(execFileSync('mono', [join(dir, 'p.exe')], { env: { ...process.env, MONO_PATH: dirname(newtonsoft) } }));
