package io.mailroom.preflight;

import software.amazon.awssdk.services.sesv2.SesV2AsyncClient;
import software.amazon.awssdk.services.sesv2.model.EventDestination;
import software.amazon.awssdk.services.sesv2.model.GetAccountResponse;
import software.amazon.awssdk.services.sesv2.model.GetConfigurationSetResponse;
import software.amazon.awssdk.services.sesv2.model.GetEmailIdentityResponse;
import software.amazon.awssdk.services.sesv2.model.MailFromAttributes;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The SES side of preflight: the From domain's identity (verified, DKIM, custom MAIL FROM), the
 * account (production access, sending, quotas) and the configuration set with its event
 * destination. Each call has a deadline; an error becomes a ✗ line naming it.
 */
public final class SesChecks {
  private static final Set<String> NEEDED_EVENTS = Set.of("SEND", "BOUNCE", "COMPLAINT");
  private static final Set<String> WANTED_EVENTS = Set.of("OPEN", "CLICK");

  private final SesCalls ses;
  private final String domain;
  private final String configurationSet;

  /** What the SES checks found: their lines, and the identity the DNS checks go on from. */
  public record Findings(List<Check> checks, Identity identity) { }

  public SesChecks(SesV2AsyncClient client, long timeoutMillis, String domain, String configurationSet) {
    this.ses = new SesCalls(client, timeoutMillis);
    this.domain = domain;
    this.configurationSet = configurationSet;
  }

  public Findings run() {
    List<Check> checks = new ArrayList<>();
    Identity identity = identity(checks);
    checks.add(account());
    checks.addAll(configurationSet());
    return new Findings(checks, identity);
  }

  private Identity identity(List<Check> checks) {
    GetEmailIdentityResponse found;
    try {
      found = ses.identity(domain);
    } catch (SesCalls.Failed e) {
      checks.add(Check.fail("identity " + domain, e.getMessage(),
          "verify the domain " + domain + " in SES (Verified identities → Create identity → Domain)"));
      return Identity.unknown(domain);
    }
    Identity identity = identity(found);
    checks.add(identity.verified() ? Check.ok("identity " + domain, "verified for sending")
        : Check.fail("identity " + domain, "not verified for sending",
            "publish the DKIM CNAMEs SES shows for " + domain + " and wait for verification"));
    checks.add(dkim(identity));
    checks.add(mailFrom(identity));
    return identity;
  }

  private Identity identity(GetEmailIdentityResponse found) {
    String dkim = found.dkimAttributes() == null ? "NOT_STARTED" : found.dkimAttributes().statusAsString();
    if (found.dkimAttributes() != null && Boolean.FALSE.equals(found.dkimAttributes().signingEnabled())) {
      dkim = "SIGNING_DISABLED (" + dkim + ")";
    }
    List<String> tokens = found.dkimAttributes() == null ? List.of() : found.dkimAttributes().tokens();
    MailFromAttributes mailFrom = found.mailFromAttributes();
    String mailFromDomain = mailFrom == null || mailFrom.mailFromDomain() == null ? "" : mailFrom.mailFromDomain();
    String mailFromStatus = mailFrom == null ? "" : String.valueOf(mailFrom.mailFromDomainStatusAsString());
    return new Identity(domain, true, Boolean.TRUE.equals(found.verifiedForSendingStatus()), dkim, tokens,
        mailFromDomain, mailFromStatus);
  }

  private static Check dkim(Identity identity) {
    if (identity.dkimSigning()) {
      return Check.ok("DKIM", "SUCCESS, signing as d=" + identity.domain());
    }
    return Check.fail("DKIM", "status " + identity.dkimStatus(),
        "publish the three CNAMEs <token>._domainkey." + identity.domain()
            + " → <token>.dkim.amazonses.com; SES rechecks them within 72 hours");
  }

  private static Check mailFrom(Identity identity) {
    if (!identity.customMailFrom()) {
      return Check.warn("custom MAIL FROM", "none: SES's own MAIL FROM (amazonses.com) passes SPF, but not"
          + " DMARC-aligned SPF", "set a custom MAIL FROM such as bounce." + identity.domain());
    }
    if (!"SUCCESS".equals(identity.mailFromStatus())) {
      return Check.fail("custom MAIL FROM", identity.mailFromDomain() + " is " + identity.mailFromStatus(),
          "publish MX 10 feedback-smtp.<region>.amazonses.com and the SPF TXT on " + identity.mailFromDomain());
    }
    return Check.ok("custom MAIL FROM", identity.mailFromDomain());
  }

  private Check account() {
    GetAccountResponse account;
    try {
      account = ses.account();
    } catch (SesCalls.Failed e) {
      return Check.fail("account", e.getMessage(), "check the credentials, the region and ses.endpoint");
    }
    String quota = String.format("quota %.0f emails/s, %.0f a day, %.0f sent in the last 24 h",
        account.sendQuota().maxSendRate(), account.sendQuota().max24HourSend(),
        account.sendQuota().sentLast24Hours());
    if (!Boolean.TRUE.equals(account.sendingEnabled())) {
      return Check.fail("account", "sending is disabled; " + quota,
          "see the SES console's account dashboard for why, and re-enable sending");
    }
    if (!Boolean.TRUE.equals(account.productionAccessEnabled())) {
      return Check.warn("account", "sandbox: only verified recipients get mail; " + quota,
          "request production access (SES console → Account dashboard → Request production access)");
    }
    return Check.ok("account", "production access, sending enabled; " + quota);
  }

  private List<Check> configurationSet() {
    if (configurationSet.isEmpty()) {
      return List.of(Check.warn("configuration set", "none configured (ses.configurationSet)",
          "create one with an event destination for Send, Bounce and Complaint that reaches POST /v1/ses/events"));
    }
    String name = "configuration set " + configurationSet;
    try {
      GetConfigurationSetResponse set = ses.configurationSet(configurationSet);
      boolean sending = set.sendingOptions() == null || !Boolean.FALSE.equals(set.sendingOptions().sendingEnabled());
      Check exists = sending ? Check.ok(name, "exists, sending enabled")
          : Check.fail(name, "sending disabled on the set", "enable sending on the configuration set");
      return List.of(exists, events(ses.eventDestinations(configurationSet)));
    } catch (SesCalls.Failed e) {
      return List.of(Check.fail(name, e.getMessage(), "create the configuration set " + configurationSet
          + " in the ses.region, or fix ses.configurationSet"));
    }
  }

  private static Check events(List<EventDestination> destinations) {
    Set<String> types = new TreeSet<>();
    destinations.stream().filter(d -> Boolean.TRUE.equals(d.enabled()))
        .forEach(d -> types.addAll(d.matchingEventTypesAsStrings()));
    Set<String> missing = new TreeSet<>(NEEDED_EVENTS);
    missing.removeAll(types);
    if (!missing.isEmpty()) {
      return Check.fail("event destination", types.isEmpty() ? "no enabled destination" : "lacks " + missing,
          "add an enabled event destination (SNS to POST /v1/ses/events) for SEND, BOUNCE and COMPLAINT");
    }
    Set<String> unwanted = new TreeSet<>(WANTED_EVENTS);
    unwanted.removeAll(types);
    if (!unwanted.isEmpty()) {
      return Check.warn("event destination", types + "; no " + unwanted,
          "add " + unwanted + " to the destination to count opens and clicks");
    }
    return Check.ok("event destination", String.valueOf(types));
  }
}
