package io.mailroom.subscription;

/** How the subscription side shows and compares an address. */
final class Addresses {
  private Addresses() {
  }

  /** {@code c******9@example.com}: enough for the customer to recognise, too little for anyone else. */
  static String mask(String email) {
    int at = email.lastIndexOf('@');
    if (at <= 0) {
      return "***";
    }
    String local = email.substring(0, at);
    String shown = local.length() <= 2 ? local.substring(0, 1) + "*"
        : local.charAt(0) + "*".repeat(Math.min(6, local.length() - 2)) + local.charAt(local.length() - 1);
    return shown + email.substring(at);
  }

  /** Trimmed and in lower case, as the Users and Suppressions tables key it. */
  static String normal(String email) {
    return email == null ? "" : email.trim().toLowerCase(java.util.Locale.ROOT);
  }
}
