// A minimal stand-in for APIM's `context`, enough to run mcp-apim's generated classifier under
// Mono (scripts/oracle/classifier.ts). Only the members the compiled policy uses.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Newtonsoft.Json.Linq;

public class Body {
  string text;
  public Body(string t) { text = t; }
  public T As<T>(bool preserveContent = false) {
    var t = text;
    if (!preserveContent) text = "";
    return (T)(object)t;
  }
}
public class Req {
  public string Method;
  public Body Body;
  public IReadOnlyDictionary<string, string[]> Headers;
}
public class Ctx { public Req Request; public Dictionary<string, object> Variables = new Dictionary<string, object>(); }
public class Jwt { public IReadOnlyDictionary<string, string[]> Claims; }
public static class Ext {
  public static string GetValueOrDefault(this IReadOnlyDictionary<string, string[]> d, string name, string def) {
    string[] v; return d.TryGetValue(name, out v) ? string.Join(",", v) : def;
  }
  // Parses the payload of a JWT without verifying it, as APIM's AsJwt() does.
  public static Jwt AsJwt(this string token) {
    var parts = token.Split('.');
    if (parts.Length != 3) return null;
    try {
      var p = parts[1].Replace('-', '+').Replace('_', '/');
      while (p.Length % 4 != 0) p += "=";
      var o = JObject.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(p)));
      var claims = new Dictionary<string, string[]>();
      foreach (var prop in o.Properties()) {
        claims[prop.Name] = prop.Value.Type == JTokenType.Array ? prop.Value.Select(x => (string)x).ToArray() : new[] { (string)prop.Value };
      }
      return new Jwt { Claims = claims };
    } catch (Exception) { return null; }
  }
}
