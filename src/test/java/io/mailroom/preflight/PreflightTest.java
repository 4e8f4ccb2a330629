package io.mailroom.preflight;

import io.mailroom.config.ConfigSource;
import io.mailroom.config.MailroomConfig;
import io.mailroom.testing.LocalServices;
import io.mailroom.testing.LoopbackDns;
import io.mailroom.testing.SesEmulator;
import io.mailroom.testing.SesIdentityProxy;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Preflight against the SES emulator (behind a wrapper for the identity and configuration-set reads) and a loopback DNS server. */
class PreflightTest {
  private static final String DOMAIN = "shop.example.com";
  private static final String MAIL_FROM = "bounce.shop.example.com";
  private static final String SET = "mailroom-events";
  private static final List<String> TOKENS = List.of("tok1", "tok2", "tok3");
  private static SesIdentityProxy ses;
  private static LoopbackDns dns;

  @BeforeAll
  static void start() throws Exception {
    ses = new SesIdentityProxy(LocalServices.ses().endpoint());
    dns = new LoopbackDns();
  }

  @AfterAll
  static void stop() throws Exception {
    ses.close();
    dns.close();
  }

  @BeforeEach
  void allGood() {
    allGood(ses, dns);
  }

  /** Everything in place: a verified identity with DKIM, a custom MAIL FROM with SPF, DMARC quarantine, the set. */
  static void allGood(SesIdentityProxy ses, LoopbackDns dns) {
    ses.account(null);
    ses.identities.put(DOMAIN, identity("SUCCESS"));
    ses.configurationSets.put(SET, new JsonObject().put("ConfigurationSetName", SET)
        .put("SendingOptions", new JsonObject().put("SendingEnabled", true)));
    ses.eventDestinations.put(SET, destinations("SEND", "BOUNCE", "COMPLAINT", "DELIVERY", "OPEN", "CLICK"));
    dns.clear();
    dns.txt(MAIL_FROM, "v=spf1 include:amazonses.com ~all");
    dns.txt("_dmarc." + DOMAIN, "v=DMARC1; p=quarantine; rua=mailto:dmarc@" + DOMAIN);
    TOKENS.forEach(t -> dns.cname(t + "._domainkey." + DOMAIN, t + ".dkim.amazonses.com"));
  }

  static JsonObject identity(String dkimStatus) {
    return new JsonObject().put("IdentityType", "DOMAIN").put("VerifiedForSendingStatus", true)
        .put("DkimAttributes", new JsonObject().put("SigningEnabled", true).put("Status", dkimStatus)
            .put("Tokens", new JsonArray(TOKENS)).put("SigningAttributesOrigin", "AWS_SES"))
        .put("MailFromAttributes", new JsonObject().put("MailFromDomain", MAIL_FROM)
            .put("MailFromDomainStatus", "SUCCESS").put("BehaviorOnMxFailure", "USE_DEFAULT_VALUE"));
  }

  private static JsonObject destinations(String... types) {
    return new JsonObject().put("EventDestinations", new JsonArray().add(new JsonObject().put("Name", "to-mailroom")
        .put("Enabled", true).put("MatchingEventTypes", new JsonArray(List.of(types)))
        .put("SnsDestination", new JsonObject().put("TopicArn", "arn:aws:sns:us-east-1:000000000000:ses-events"))));
  }

  static JsonObject configJson(String sesEndpoint) {
    JsonObject json = ConfigSource.load(ConfigSource.DEFAULT_FILE, Map.of());
    json.getJsonObject("ses").put("endpoint", sesEndpoint).put("configurationSet", SET)
        .put("fromAddress", "Mailroom Fashion <news@" + DOMAIN + ">");
    json.put("transport", "ses").put("publicBaseUrl", "https://mail." + DOMAIN);
    return json;
  }

  private static PreflightReport run() {
    return new Preflight(MailroomConfig.from(configJson(ses.endpoint())), dns.address()).run();
  }

  private static List<Check> all(PreflightReport report) {
    return report.json().getJsonObject("sections").stream()
        .flatMap(e -> ((JsonArray) e.getValue()).stream()).map(JsonObject.class::cast)
        .map(j -> new Check(j.getString("name"), Check.Status.valueOf(j.getString("status").toUpperCase()),
            j.getString("detail"), j.getString("fix")))
        .toList();
  }

  private static Check named(PreflightReport report, String prefix) {
    return all(report).stream().filter(c -> c.name().startsWith(prefix)).findFirst().orElseThrow();
  }

  @Test
  void allGoodPassesEveryCheck() {
    PreflightReport report = run();
    System.out.println(report.text());
    assertThat(report.exitCode()).isZero();
    assertThat(all(report)).hasSize(12).allSatisfy(c -> assertThat(c.status()).isEqualTo(Check.Status.OK));
    assertThat(report.text()).contains("SES", "DNS", "Bulk-sender rules", "✓ Gmail", "✓ Yahoo", "✓ Microsoft",
        "ready to send");
  }

  @Test
  void pendingDkimBlocks() {
    ses.identities.put(DOMAIN, identity("PENDING"));
    PreflightReport report = run();
    System.out.println(report.text());
    assertThat(report.exitCode()).isEqualTo(1);
    assertThat(named(report, "DKIM").status()).isEqualTo(Check.Status.FAIL);
    assertThat(named(report, "DKIM").detail()).contains("PENDING");
    assertThat(named(report, "Gmail").fix()).contains("DKIM");
  }

  @Test
  void spfWithoutAmazonsesSaysWhatToAdd() {
    dns.txt(MAIL_FROM, "v=spf1 include:_spf.google.com ~all");
    PreflightReport report = run();
    Check spf = named(report, "SPF");
    assertThat(report.exitCode()).isEqualTo(1);
    assertThat(spf.status()).isEqualTo(Check.Status.FAIL);
    assertThat(spf.fix()).contains("include:amazonses.com", MAIL_FROM);
  }

  @Test
  void noDmarcBlocks() {
    dns.txt("_dmarc." + DOMAIN);
    PreflightReport report = run();
    assertThat(report.exitCode()).isEqualTo(1);
    assertThat(named(report, "DMARC").status()).isEqualTo(Check.Status.FAIL);
    assertThat(named(report, "DMARC").fix()).contains("v=DMARC1");
    assertThat(named(report, "Yahoo").status()).isEqualTo(Check.Status.FAIL);
  }

  @Test
  void dmarcNoneIsAWarning() {
    dns.txt("_dmarc." + DOMAIN, "v=DMARC1; p=none");
    PreflightReport report = run();
    assertThat(report.exitCode()).isZero();
    assertThat(named(report, "DMARC").status()).isEqualTo(Check.Status.WARN);
    assertThat(named(report, "Microsoft").status()).isEqualTo(Check.Status.OK);
  }

  @Test
  void withoutCustomMailFromSpfIsANoteAndDkimAligns() {
    JsonObject identity = identity("SUCCESS");
    identity.remove("MailFromAttributes");
    ses.identities.put(DOMAIN, identity);
    PreflightReport report = run();
    assertThat(report.exitCode()).isZero();
    assertThat(named(report, "SPF").status()).isEqualTo(Check.Status.WARN);
    assertThat(named(report, "SPF").detail()).contains("not aligned");
    assertThat(named(report, "Gmail").status()).isEqualTo(Check.Status.OK);
  }

  @Test
  void dmarcOfTheParentDomainCounts() {
    dns.txt("_dmarc." + DOMAIN);
    dns.txt("_dmarc.example.com", "v=DMARC1; p=reject");
    PreflightReport report = run();
    assertThat(report.exitCode()).isZero();
    assertThat(named(report, "DMARC").name()).isEqualTo("DMARC _dmarc.example.com");
  }

  @Test
  void sandboxIsAWarning() {
    ses.account(new JsonObject(SesEmulator.ACCOUNT).put("ProductionAccessEnabled", false));
    PreflightReport report = run();
    assertThat(report.exitCode()).isZero();
    assertThat(named(report, "account").status()).isEqualTo(Check.Status.WARN);
    assertThat(named(report, "account").detail()).contains("sandbox");
  }

  @Test
  void missingBounceEventsAndUnknownSetBlock() {
    ses.eventDestinations.put(SET, destinations("SEND", "DELIVERY"));
    assertThat(named(run(), "event destination").detail()).contains("BOUNCE", "COMPLAINT");
    ses.configurationSets.remove(SET);
    PreflightReport report = run();
    assertThat(report.exitCode()).isEqualTo(1);
    assertThat(named(report, "configuration set").detail()).contains("not found");
  }

  @Test
  void unreachableResolverIsAFailureNotAStackTrace() throws Exception {
    int closed;
    try (java.net.DatagramSocket socket = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    PreflightReport report = new Preflight(MailroomConfig.from(configJson(ses.endpoint())), "127.0.0.1:" + closed).run();
    assertThat(report.exitCode()).isEqualTo(1);
    assertThat(named(report, "DMARC").detail()).startsWith("lookup failed");
  }

  @Test
  void commandTakesTheResolverFromTheConfigAndPrintsJson() throws Exception {
    JsonObject json = configJson(ses.endpoint());
    json.getJsonObject("preflight").put("dnsServer", dns.address());
    java.nio.file.Path file = java.nio.file.Files.createTempFile("preflight", ".json");
    java.nio.file.Files.writeString(file, json.encode());
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.PrintStream print = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8);
    int exit = Preflight.command(new String[] {"--config", file.toString(), "--json"}, print, print);
    JsonObject printed = new JsonObject(out.toString(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(exit).isZero();
    assertThat(printed.getBoolean("ready")).isTrue();
    assertThat(printed.getJsonObject("sections").getJsonArray("DNS")).hasSize(3);
    assertThat(Preflight.command(new String[] {"--dns"}, print, print)).isEqualTo(2);
  }

  @Test
  void outboxTransportHasNothingToCheck() {
    JsonObject json = ConfigSource.load(ConfigSource.DEFAULT_FILE, Map.of());
    PreflightReport report = new Preflight(MailroomConfig.from(json), dns.address()).run();
    assertThat(report.exitCode()).isZero();
    assertThat(report.text()).contains("outbox", "nothing at SES or in DNS to check");
  }
}
