package io.mailroom.compliance;

/**
 * The {@code compliance.*} configuration as one value: the profile the node sends under, the
 * sender's identity its footer names (empty strings under {@code none}), the quiet hours in
 * which no campaign email goes out (under any profile; off by default), and the consent notices
 * the Korean rules ask for ({@link Notices}; all off under {@code none}).
 */
public record ComplianceSettings(ComplianceProfile profile, SenderIdentity sender, QuietHours quietHours,
                                 Notices notices) {

  /** The sender an advertising email names: who sends it and how to reach them. */
  public record SenderIdentity(String name, String email, String phone, String address) { }

  /**
   * The consent notices of 정보통신망법 제50조 and 시행령 제62조의3: the reconfirmation every two years
   * ({@code reconfirm}: whether it runs, how often it looks, how many days before the anniversary it
   * is sent) and the confirmation of each consent change ({@code confirmChanges}, swept every
   * {@code confirmSweepSeconds}; changes made in MySQL too with {@code confirmSyncedChanges}).
   */
  public record Notices(boolean reconfirm, int reconfirmIntervalSeconds, int reconfirmLeadDays,
                        boolean confirmChanges, boolean confirmSyncedChanges, int confirmSweepSeconds) {
    /** Nothing runs (profile {@code none}). */
    public static Notices off() {
      return new Notices(false, 3600, 30, false, false, 15);
    }

    /** Whether this node runs any consent notice at all. */
    public boolean any() {
      return reconfirm || confirmChanges;
    }
  }

  /** Under {@code kr}, without the consent notices (tests of the marks alone). */
  public ComplianceSettings(ComplianceProfile profile, SenderIdentity sender) {
    this(profile, sender, QuietHours.off(), Notices.off());
  }

  /** No rules: no prefix, no footer, no notices. */
  public static ComplianceSettings none() {
    return new ComplianceSettings(ComplianceProfile.NONE, new SenderIdentity("", "", "", ""), QuietHours.off(),
        Notices.off());
  }

  /** These settings with {@code hours} as their quiet hours. */
  public ComplianceSettings withQuietHours(QuietHours hours) {
    return new ComplianceSettings(profile, sender, hours, notices);
  }

  /** Whether an email of this kind gets the advertising prefix and footer under this profile. */
  public boolean marks(CampaignKind kind) {
    return profile == ComplianceProfile.KR && kind == CampaignKind.ADVERTISING;
  }
}
