// The only place room names are built.
export const userRoom = (userId: string) => `user:${userId}`;
export const chatRoom = (chatId: string) => `chat:${chatId}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;

/**
 * Sockets that declared a client feature at the handshake: they derive `notification` (the global
 * room, and one per user for mentions) and the sender's `receipt` from the `message:new` they get.
 */
export const derivesNotificationsRoom = 'derives:notifications';
export const derivesNotificationsUserRoom = (userId: string) => `derives:notifications:${userId}`;
export const derivesReceiptsRoom = 'derives:receipts';
