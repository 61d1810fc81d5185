// The C# stand-in for APIM's `context` that the conformance cases run against under Mono
// (scripts/conformance/generate.ts). It models reference/apim-semantics.md §2.3–2.4, the parts
// the cases use: the request (method, URL, case-insensitive headers, a body that `As<T>()`
// consumes unless `preserveContent: true`), the response, `context.Variables`, and APIM's
// extension methods (comma-joining GetValueOrDefault on string-array dictionaries,
// GetValueOrDefault<T> on variables that casts and so throws on a type mismatch, AsJwt,
// TryParseJwt, AsBasic). Member names follow APIM's public interfaces; anything APIM defines
// and .NET does not is only as right as this file.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Newtonsoft.Json.Linq;

public class MessageBody {
  readonly string text;
  bool consumed;
  public MessageBody(string t) { text = t; }

  // §2.4: reading without preserveContent renders the original body unavailable; a second
  // read sees an empty body (an empty string, which no JSON reader accepts).
  public T As<T>(bool preserveContent = false) {
    var t = consumed ? "" : text;
    if (!preserveContent) consumed = true;
    object r;
    if (typeof(T) == typeof(string)) r = t;
    else if (typeof(T) == typeof(byte[])) r = Encoding.UTF8.GetBytes(t);
    else if (typeof(T) == typeof(JObject)) r = JObject.Parse(t);
    else if (typeof(T) == typeof(JArray)) r = JArray.Parse(t);
    else if (typeof(T) == typeof(JToken)) r = JToken.Parse(t);
    else throw new NotSupportedException("As<" + typeof(T).Name + ">");
    return (T)r;
  }
}

public class Url {
  readonly Uri uri;
  public Url(string href) { uri = new Uri(href); }
  public string Scheme { get { return uri.Scheme; } }
  public string Host { get { return uri.Host; } }
  public int Port { get { return uri.Port; } }
  public string Path { get { return uri.AbsolutePath; } }
  public string QueryString { get { return uri.Query; } }
  public IReadOnlyDictionary<string, string[]> Query {
    get {
      var d = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
      var q = uri.Query.TrimStart('?');
      if (q.Length > 0) {
        foreach (var pair in q.Split('&')) {
          var eq = pair.IndexOf('=');
          var k = Uri.UnescapeDataString(eq < 0 ? pair : pair.Substring(0, eq));
          var v = eq < 0 ? "" : Uri.UnescapeDataString(pair.Substring(eq + 1));
          List<string> list;
          if (!d.TryGetValue(k, out list)) d[k] = list = new List<string>();
          list.Add(v);
        }
      }
      return d.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.OrdinalIgnoreCase);
    }
  }
  public override string ToString() { return uri.AbsoluteUri; }
}

public class Request {
  public string Method;
  public Url Url;
  public Url OriginalUrl;
  public IReadOnlyDictionary<string, string[]> Headers;
  public MessageBody Body;
  public string IpAddress = "127.0.0.1";
}

public class Response {
  public int StatusCode = 200;
  public string StatusReason = "OK";
  public IReadOnlyDictionary<string, string[]> Headers = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
  public MessageBody Body;
}

public class Context {
  public Request Request;
  public Response Response = new Response();
  public IReadOnlyDictionary<string, object> Variables;
  public Guid RequestId = Guid.Empty;
  // The conformance test evaluates with the clock at 2026-01-01T00:00:00Z.
  public DateTime Timestamp = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
  public TimeSpan Elapsed = TimeSpan.Zero;
  public bool Tracing = false;
}

public class Jwt {
  public string Algorithm, Type, Id, Issuer, Subject;
  public IEnumerable<string> Audiences;
  public IReadOnlyDictionary<string, string[]> Claims;
  public DateTime? ExpirationTime, IssuedAt, NotBefore;
}

public class BasicAuthCredentials {
  public string UserId, Password;
}

public static class ApimExtensions {
  // Headers, Url.Query, Jwt.Claims: the values joined with a comma, or the default.
  public static string GetValueOrDefault(this IReadOnlyDictionary<string, string[]> d, string name, string defaultValue) {
    string[] v;
    return d.TryGetValue(name, out v) ? string.Join(",", v) : defaultValue;
  }
  public static string GetValueOrDefault(this IReadOnlyDictionary<string, string[]> d, string name) {
    return d.GetValueOrDefault(name, null);
  }
  // context.Variables: the value cast to T (throws InvalidCastException when it is not a T).
  public static T GetValueOrDefault<T>(this IReadOnlyDictionary<string, object> d, string name, T defaultValue = default(T)) {
    object v;
    return d.TryGetValue(name, out v) ? (T)v : defaultValue;
  }

  static string B64Url(string s) {
    var p = s.Replace('-', '+').Replace('_', '/');
    while (p.Length % 4 != 0) p += "=";
    return Encoding.UTF8.GetString(Convert.FromBase64String(p));
  }
  static string[] Strings(JToken t) {
    if (t.Type == JTokenType.Array) return t.Select(x => x.Type == JTokenType.String ? (string)x : x.ToString(Newtonsoft.Json.Formatting.None)).ToArray();
    return new[] { t.Type == JTokenType.String ? (string)t : t.ToString(Newtonsoft.Json.Formatting.None) };
  }
  static DateTime? Date(JToken t) {
    if (t == null || (t.Type != JTokenType.Integer && t.Type != JTokenType.Float)) return null;
    return new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds((double)t);
  }
  static string Str(JToken t) { return t == null || t.Type == JTokenType.Null ? null : (string)t; }

  // Parses a compact JWS without validating it, as APIM's AsJwt() does; null if it is not one.
  public static Jwt AsJwt(this string token) {
    var parts = token.Split('.');
    if (parts.Length != 3) return null;
    try {
      var h = JObject.Parse(B64Url(parts[0]));
      var p = JObject.Parse(B64Url(parts[1]));
      var claims = new Dictionary<string, string[]>();
      foreach (var prop in p.Properties()) claims[prop.Name] = Strings(prop.Value);
      return new Jwt {
        Algorithm = Str(h["alg"]), Type = Str(h["typ"]), Id = Str(p["jti"]), Issuer = Str(p["iss"]), Subject = Str(p["sub"]),
        Audiences = p["aud"] == null ? new string[0] : Strings(p["aud"]), Claims = claims,
        ExpirationTime = Date(p["exp"]), IssuedAt = Date(p["iat"]), NotBefore = Date(p["nbf"]),
      };
    } catch (Exception) {
      return null;
    }
  }
  public static bool TryParseJwt(this string token, out Jwt jwt) {
    jwt = token.AsJwt();
    return jwt != null;
  }
  // An HTTP Basic authorization header value ("Basic base64(user:password)").
  public static BasicAuthCredentials AsBasic(this string value) {
    var m = System.Text.RegularExpressions.Regex.Match(value, @"^\s*Basic\s+([A-Za-z0-9+/=]+)\s*$", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
    if (!m.Success) return null;
    string decoded;
    try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(m.Groups[1].Value)); } catch (FormatException) { return null; }
    var colon = decoded.IndexOf(':');
    return colon < 0 ? null : new BasicAuthCredentials { UserId = decoded.Substring(0, colon), Password = decoded.Substring(colon + 1) };
  }
}
