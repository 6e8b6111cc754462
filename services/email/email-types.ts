/** The channel id of e-mail conversations (transcript, tickets, handoff, indicators). */
export const EMAIL_CHANNEL = 'email';
