// Runs every conformance case once under Mono and prints one JSON line per case:
// {"type","text"} (GetType() in C# notation, Convert.ToString(x, InvariantCulture)), or
// {"error"} (the exception's full type name). Doubles and singles also carry their exact bits so
// the generator can apply .NET Core's shortest round-trip formatting (see generate.ts).
// Input: one line per case, {"method","url","headers":{name:[values]},"body":text|null,
// "variables":[{"name","kind","text"}]} — the DESIGN §7 context already reduced by generate.ts.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

public static class Harness {
  // C# notation for a runtime type, as the emulator names types: List<System.String>, System.Int32[].
  static string TypeName(Type t) {
    if (t.IsArray) return TypeName(t.GetElementType()) + "[]" ;
    if (t.Name.Contains("AnonType") || t.Name.Contains("AnonymousType")) return "<>f__AnonymousType";
    if (!t.IsGenericType) return t.FullName;
    var name = t.GetGenericTypeDefinition().FullName;
    name = System.Text.RegularExpressions.Regex.Replace(name, "`[0-9]+", "");
    return name + "<" + string.Join(", ", t.GetGenericArguments().Select(TypeName)) + ">";
  }

  static object Variable(JObject v) {
    var text = (string)v["text"];
    switch ((string)v["kind"]) {
      case "string": return text;
      case "bool": return text == "true";
      case "int": return int.Parse(text, CultureInfo.InvariantCulture);
      case "double": return double.Parse(text, CultureInfo.InvariantCulture);
      case "null": return null;
      default: return JToken.Parse(text);
    }
  }

  static Context Build(JObject input) {
    var headers = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
    foreach (var h in ((JObject)input["headers"]).Properties()) headers[h.Name] = h.Value.Select(x => (string)x).ToArray();
    var variables = new Dictionary<string, object>();
    foreach (JObject v in (JArray)input["variables"]) variables[(string)v["name"]] = Variable(v);
    var body = (string)input["body"];
    var url = (string)input["url"];
    return new Context {
      Request = new Request {
        Method = (string)input["method"], Url = new Url(url), OriginalUrl = new Url(url), Headers = headers,
        Body = string.IsNullOrEmpty(body) ? null : new MessageBody(body),
      },
      Variables = variables,
    };
  }

  static string Run(Func<Context, object> c, Context context) {
    var o = new Dictionary<string, object>();
    try {
      var r = c(context);
      if (r == null) {
        o["type"] = "null";
        o["text"] = "";
      } else {
        o["type"] = TypeName(r.GetType());
        o["text"] = Convert.ToString(r, CultureInfo.InvariantCulture);
        if (r is double) o["bits"] = BitConverter.DoubleToInt64Bits((double)r).ToString(CultureInfo.InvariantCulture);
        if (r is float) o["bits"] = BitConverter.DoubleToInt64Bits((double)(float)r).ToString(CultureInfo.InvariantCulture);
      }
    } catch (Exception e) {
      o.Clear();
      o["error"] = e.GetType().FullName;
      o["message"] = e.Message;
    }
    return JsonConvert.SerializeObject(o, Formatting.None);
  }

  // Strings stay strings: Newtonsoft would otherwise turn ISO-date-looking text into DateTime.
  static JObject Read(string line) {
    var reader = new JsonTextReader(new StringReader(line)) { DateParseHandling = DateParseHandling.None };
    return JObject.Load(reader);
  }

  public static void Main(string[] args) {
    Thread.CurrentThread.CurrentCulture = CultureInfo.InvariantCulture;
    Thread.CurrentThread.CurrentUICulture = CultureInfo.InvariantCulture;
    var inputs = File.ReadAllLines(args[0]);
    var cases = Cases.All;
    if (inputs.Length != cases.Length) throw new Exception("inputs and cases differ in number");
    var output = new StreamWriter(Console.OpenStandardOutput());
    for (var i = 0; i < cases.Length; i++) output.WriteLine(Run(cases[i], Build(Read(inputs[i]))));
    output.Flush();
  }
}
