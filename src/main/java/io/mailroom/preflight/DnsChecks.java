package io.mailroom.preflight;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The DNS side of preflight: SPF on the MAIL FROM domain includes amazonses.com, a DMARC record on
 * the From domain and its policy, and the identity's DKIM CNAMEs. A lookup that fails is a ✗ with
 * the error.
 */
public final class DnsChecks {
  private final DnsLookup dns;

  /** What DNS showed: the lines, and the facts the bulk-sender rules weigh. */
  public record Findings(List<Check> checks, boolean spfIncludesSes, String dmarcPolicy, boolean dkimCnames) { }

  public DnsChecks(DnsLookup dns) {
    this.dns = dns;
  }

  public Findings run(Identity identity) {
    List<Check> checks = new ArrayList<>();
    boolean spf = spf(identity, checks);
    String policy = dmarc(identity.domain(), checks);
    boolean cnames = dkim(identity, checks);
    return new Findings(checks, spf, policy, cnames);
  }

  private boolean spf(Identity identity, List<Check> checks) {
    if (!identity.customMailFrom()) {
      checks.add(Check.warn("SPF", "no custom MAIL FROM: SPF is checked on amazonses.com (passes, not aligned)",
          "set a custom MAIL FROM and publish \"v=spf1 include:amazonses.com ~all\" on it"));
      return false;
    }
    String domain = identity.mailFromDomain();
    try {
      Optional<String> record = dns.txt(domain).stream().filter(t -> t.startsWith("v=spf1")).findFirst();
      if (record.isPresent() && record.get().contains("include:amazonses.com")) {
        checks.add(Check.ok("SPF " + domain, record.get()));
        return true;
      }
      checks.add(Check.fail("SPF " + domain, record.map(r -> "\"" + r + "\" does not include amazonses.com")
          .orElse("no SPF record"), "publish TXT \"v=spf1 include:amazonses.com ~all\" on " + domain
          + (record.isPresent() ? " (add include:amazonses.com to the record)" : "")));
    } catch (IOException e) {
      checks.add(Check.fail("SPF " + domain, "lookup failed: " + e.getMessage(), "check the DNS resolver"));
    }
    return false;
  }

  /** The DMARC policy ("none", "quarantine", "reject"), or "" when there is no record. */
  private String dmarc(String domain, List<Check> checks) {
    String name = "_dmarc." + domain;
    try {
      Optional<String> record = dmarcRecord(name);
      String parent = domain.substring(domain.indexOf('.') + 1);
      if (record.isEmpty() && parent.indexOf('.') > 0) {
        // a receiver falls back to the organisational domain's policy; one label up stands in for it
        record = dmarcRecord("_dmarc." + parent);
        name = record.isPresent() ? "_dmarc." + parent : name;
      }
      if (record.isEmpty()) {
        checks.add(Check.fail("DMARC " + name, "no DMARC record",
            "publish TXT \"v=DMARC1; p=none; rua=mailto:dmarc@" + domain + "\" on " + name));
        return "";
      }
      String policy = policy(record.get());
      checks.add("none".equals(policy) ? Check.warn("DMARC " + name, record.get(),
          "p=none is enough for the bulk-sender rules; move to p=quarantine once reports look clean")
          : Check.ok("DMARC " + name, record.get()));
      return policy;
    } catch (IOException e) {
      checks.add(Check.fail("DMARC " + name, "lookup failed: " + e.getMessage(), "check the DNS resolver"));
      return "";
    }
  }

  private Optional<String> dmarcRecord(String name) throws IOException {
    return dns.txt(name).stream().filter(t -> t.startsWith("v=DMARC1")).findFirst();
  }

  private static String policy(String record) {
    for (String tag : record.split(";")) {
      String t = tag.trim();
      if (t.startsWith("p=")) {
        return t.substring(2).trim().toLowerCase();
      }
    }
    return "none";
  }

  private boolean dkim(Identity identity, List<Check> checks) {
    if (identity.dkimTokens().isEmpty()) {
      checks.add(Check.fail("DKIM CNAMEs", "SES gave no DKIM tokens for " + identity.domain(),
          "turn on Easy DKIM for the identity in SES"));
      return false;
    }
    List<String> wrong = new ArrayList<>();
    for (String token : identity.dkimTokens()) {
      String name = token + "._domainkey." + identity.domain();
      String expected = token + ".dkim.amazonses.com";
      try {
        if (!dns.cname(name).map(expected::equalsIgnoreCase).orElse(false)) {
          wrong.add(name + " → " + expected);
        }
      } catch (IOException e) {
        wrong.add(name + " (lookup failed: " + e.getMessage() + ")");
      }
    }
    checks.add(wrong.isEmpty() ? Check.ok("DKIM CNAMEs", identity.dkimTokens().size() + " resolve to amazonses.com")
        : Check.fail("DKIM CNAMEs", wrong.size() + " missing or wrong", "publish CNAME " + String.join(", ", wrong)));
    return wrong.isEmpty();
  }
}
