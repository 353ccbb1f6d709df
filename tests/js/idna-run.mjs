// What the package answers for each typed domain name, as a partner gets it:
// the body `buildRequest("domains.availability", …)` sends, or the refusal
// it throws. Plain JS shared by the Node test, the Chromium page and the
// workerd fixture, so every runtime is asked the same way.

/** `[{ok: true, domain, display}, …]` or `{ok: false, message}` per name. */
export function answers(api, names) {
  const text = new TextDecoder();
  return names.map((name) => {
    try {
      const request = api.buildRequest("domains.availability", { domains: [name] });
      const domain = JSON.parse(text.decode(request.body)).domains[0];
      return { ok: true, domain, display: api.displayDomain(domain) };
    } catch (e) {
      // A name with a lone surrogate is no text at all (not UTF-16): the
      // package refuses it before any domain rule (invalid_request).
      if (e.code === "invalid_request" && !e.problems) return { ok: false, message: e.message };
      if (!Array.isArray(e.problems)) throw e;
      return { ok: false, message: e.problems[0].message };
    }
  });
}

/**
 * The six names of the issue as customers typed them, what browsers send
 * (Node 20's `new URL()` and `url.domainToASCII`) and what people read.
 */
export const TYPED = [
  ["mu\u0308nchen.de", "xn--mnchen-3ya.de", "münchen.de"],
  ["ＥＸＡＭＰＬＥ.com", "example.com", "example.com"],
  ["ex\u00ADample.com", "example.com", "example.com"],
  ["acme\u200B.com", "acme.com", "acme.com"],
  ["ΣΑΣ.gr", "xn--mxa9ab.gr", "σασ.gr"],
  ["e\u0301cole.fr", "xn--cole-9oa.fr", "école.fr"],
];
