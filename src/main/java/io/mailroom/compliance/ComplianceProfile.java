package io.mailroom.compliance;

/**
 * Which country's advertising-email rules every outgoing email follows: {@code kr} (정보통신망법
 * 제50조: the {@code (광고)} subject prefix and the sender's footer) or {@code none}.
 */
public enum ComplianceProfile {
  KR, NONE
}
