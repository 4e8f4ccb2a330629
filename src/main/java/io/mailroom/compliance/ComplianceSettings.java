package io.mailroom.compliance;

/**
 * The {@code compliance.*} configuration as one value: the profile the node sends under and the
 * sender's identity its footer names (empty strings under {@code none}).
 */
public record ComplianceSettings(ComplianceProfile profile, SenderIdentity sender) {

  /** The sender an advertising email names: who sends it and how to reach them. */
  public record SenderIdentity(String name, String email, String phone, String address) { }

  /** No rules: no prefix, no footer. */
  public static ComplianceSettings none() {
    return new ComplianceSettings(ComplianceProfile.NONE, new SenderIdentity("", "", "", ""));
  }

  /** Whether an email of this kind gets the advertising prefix and footer under this profile. */
  public boolean marks(CampaignKind kind) {
    return profile == ComplianceProfile.KR && kind == CampaignKind.ADVERTISING;
  }
}
