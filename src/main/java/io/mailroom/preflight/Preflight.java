package io.mailroom.preflight;

import io.mailroom.aws.AwsClients;
import io.mailroom.config.ConfigException;
import io.mailroom.config.ConfigSource;
import io.mailroom.config.MailroomConfig;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * {@code java -jar mailroom.jar preflight [--config FILE] [--dns HOST:PORT] [--json]}: checks, for
 * the domain of the config's {@code ses.fromAddress}, what SES and DNS must have in place before
 * bulk sending, and prints a report. Exit 0 when nothing blocks sending, 1 otherwise, 2 for a bad
 * config or command line.
 */
public final class Preflight {
  private final MailroomConfig config;
  private final String dnsServer;

  /** {@code dnsServer}: {@code HOST:PORT} of the resolver to ask, "" for the system's. */
  public Preflight(MailroomConfig config, String dnsServer) {
    this.config = config;
    this.dnsServer = dnsServer;
  }

  /** The command: parses its options, runs, prints; its exit code. */
  public static int command(String[] args, PrintStream out, PrintStream err) {
    PreflightOptions options;
    MailroomConfig config;
    String dns;
    try {
      options = PreflightOptions.parse(args);
      JsonObject json = ConfigSource.load(options.configFile(), System.getenv());
      config = MailroomConfig.from(json);
      dns = options.dns() != null ? options.dns()
          : json.getJsonObject("preflight", new JsonObject()).getString("dnsServer", "");
      AwsClients.checkCredentials(config.aws());
    } catch (ConfigException e) {
      err.println("mailroom preflight: " + e.getMessage());
      err.println(PreflightOptions.USAGE);
      return 2;
    }
    PreflightReport report = new Preflight(config, dns).run();
    out.print(options.json() ? report.json().encodePrettily() + System.lineSeparator() : report.text());
    return report.exitCode();
  }

  public PreflightReport run() {
    String from = config.ses().fromAddress();
    String domain = domain(from);
    PreflightReport report = new PreflightReport(from);
    if (config.transport() == MailroomConfig.TransportKind.OUTBOX) {
      return report.section("Transport", List.of(Check.ok("transport", "outbox: emails are written to "
          + config.outboxDir() + ", nothing is sent, so there is nothing at SES or in DNS to check;"
          + " set \"transport\": \"ses\" to check sending through SES")));
    }
    SesChecks.Findings ses = ses(domain);
    report.section("SES", ses.checks());
    DnsChecks.Findings dns = dns(ses.identity());
    report.section("DNS", dns.checks());
    return report.section("Bulk-sender rules", BulkSenderRules.check(ses.identity(), dns, config.publicBaseUrl()));
  }

  private SesChecks.Findings ses(String domain) {
    MailroomConfig.Ses ses = config.ses();
    try (AwsClients aws = new AwsClients(config.aws(), "", "", ses.endpoint(), ses.region(), ses.timeoutMillis())) {
      return new SesChecks(aws.ses(), ses.timeoutMillis(), domain, ses.configurationSet()).run();
    }
  }

  private DnsChecks.Findings dns(Identity identity) {
    try {
      return new DnsChecks(new DnsLookup(dnsServer, Duration.ofSeconds(5))).run(identity);
    } catch (IOException | RuntimeException e) {
      Check broken = Check.fail("resolver", "cannot use resolver " + (dnsServer.isEmpty() ? "(system)" : dnsServer)
          + ": " + e.getMessage(), "pass --dns HOST:PORT or set preflight.dnsServer");
      return new DnsChecks.Findings(List.of(broken), false, "", false);
    }
  }

  /** The domain of an address such as {@code Name <news@shop.example.com>}. */
  static String domain(String address) {
    String a = address.trim();
    if (a.endsWith(">") && a.contains("<")) {
      a = a.substring(a.lastIndexOf('<') + 1, a.length() - 1);
    }
    return a.substring(a.lastIndexOf('@') + 1).toLowerCase();
  }
}
