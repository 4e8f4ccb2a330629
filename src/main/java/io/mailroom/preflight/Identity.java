package io.mailroom.preflight;

import java.util.List;

/**
 * What SES says about the From domain's identity, as the DNS checks and the bulk-sender rules need
 * it: verified, its Easy DKIM status and tokens, and its custom MAIL FROM domain ("" when none).
 */
public record Identity(String domain, boolean found, boolean verified, String dkimStatus, List<String> dkimTokens,
                       String mailFromDomain, String mailFromStatus) {

  /** No identity for the domain, or SES could not be asked. */
  public static Identity unknown(String domain) {
    return new Identity(domain, false, false, "", List.of(), "", "");
  }

  public boolean dkimSigning() {
    return "SUCCESS".equals(dkimStatus);
  }

  public boolean customMailFrom() {
    return !mailFromDomain.isEmpty();
  }

  /** Relaxed alignment, kept simple: the same domain, or a subdomain of the other. */
  public static boolean aligned(String a, String b) {
    String x = a.toLowerCase();
    String y = b.toLowerCase();
    return x.equals(y) || x.endsWith("." + y) || y.endsWith("." + x);
  }
}
