package io.mailroom.bus;

/** What a verified SES event notification asks of Mailroom: settle a send, or act on feedback. */
public sealed interface SesNotice permits SendConfirmation, SesFeedback {
}
