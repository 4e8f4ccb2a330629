package io.mailroom.compliance;

/**
 * The {@code compliance.*} configuration as one value: the profile the node sends under, the
 * sender's identity its footer names (empty strings under {@code none}), and the quiet hours in
 * which no campaign email goes out (under any profile; off by default).
 */
public record ComplianceSettings(ComplianceProfile profile, SenderIdentity sender, QuietHours quietHours) {

  /** The sender an advertising email names: who sends it and how to reach them. */
  public record SenderIdentity(String name, String email, String phone, String address) { }

  /** No rules: no prefix, no footer. */
  public static ComplianceSettings none() {
    return new ComplianceSettings(ComplianceProfile.NONE, new SenderIdentity("", "", "", ""), QuietHours.off());
  }

  /** These settings with {@code hours} as their quiet hours. */
  public ComplianceSettings withQuietHours(QuietHours hours) {
    return new ComplianceSettings(profile, sender, hours);
  }

  /** Whether an email of this kind gets the advertising prefix and footer under this profile. */
  public boolean marks(CampaignKind kind) {
    return profile == ComplianceProfile.KR && kind == CampaignKind.ADVERTISING;
  }
}
