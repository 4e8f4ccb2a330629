package io.mailroom.preflight;

import java.util.ArrayList;
import java.util.List;

/**
 * The Gmail, Yahoo and Microsoft bulk-sender rules (2024–2025), which ask the same of a sender:
 * SPF and DKIM pass, DMARC at least p=none and aligned with the From domain through DKIM or SPF,
 * and one-click unsubscribe (RFC 8058). Mailroom always sends {@code List-Unsubscribe-Post}; the
 * link works only when {@code publicBaseUrl} is an https URL the mailbox providers can reach.
 */
public final class BulkSenderRules {
  private static final List<String> PROVIDERS = List.of("Gmail", "Yahoo", "Microsoft");

  private BulkSenderRules() {
  }

  public static List<Check> check(Identity identity, DnsChecks.Findings dns, String publicBaseUrl) {
    List<String> todo = new ArrayList<>();
    boolean spf = !identity.customMailFrom() || dns.spfIncludesSes();
    boolean dkim = identity.dkimSigning() && dns.dkimCnames();
    // the identity checked is the From domain itself, so its Easy DKIM signature (d=) is aligned
    boolean aligned = dkim || identity.customMailFrom() && dns.spfIncludesSes()
        && Identity.aligned(identity.mailFromDomain(), identity.domain());
    require(spf, "SPF: include amazonses.com in the SPF record of " + identity.mailFromDomain(), todo);
    require(dkim, "DKIM: get the identity's DKIM to SUCCESS (publish its CNAMEs)", todo);
    require(!dns.dmarcPolicy().isEmpty(), "DMARC: publish a DMARC record, at least p=none", todo);
    require(aligned, "alignment: DKIM-sign as " + identity.domain() + " or use a MAIL FROM under it", todo);
    require(publicBaseUrl.startsWith("https://"),
        "one-click unsubscribe: set publicBaseUrl to the public https URL of this service", todo);
    String detail = mark(spf) + " SPF  " + mark(dkim) + " DKIM  " + mark(!dns.dmarcPolicy().isEmpty())
        + " DMARC  " + mark(aligned) + " aligned  " + mark(publicBaseUrl.startsWith("https://")) + " one-click";
    List<Check> checks = new ArrayList<>();
    for (String provider : PROVIDERS) {
      checks.add(todo.isEmpty() ? Check.ok(provider, detail) : Check.fail(provider, detail, String.join("; ", todo)));
    }
    return checks;
  }

  private static void require(boolean met, String todo, List<String> list) {
    if (!met) {
      list.add(todo);
    }
  }

  private static String mark(boolean met) {
    return met ? Check.Status.OK.mark() : Check.Status.FAIL.mark();
  }
}
