import { Model } from 'objection';

export type UserRole = 'user' | 'admin';
export type UserStatus = 'active' | 'deactivated';

export class User extends Model {
  static override tableName = 'users';

  id!: string;
  email!: string;
  name!: string;
  passwordHash!: string | null;
  avatarUrl!: string | null;
  role!: UserRole;
  status!: UserStatus;
  clerkId!: string | null;
  createdAt!: Date;
  updatedAt!: Date;
  /** Refreshed at most once a minute when a session token is used. */
  lastSeenAt!: Date | null;
  /** Set by a generated (one-time) password: nothing but choosing a new one works until then. */
  mustChangePassword!: boolean;
  /** The uploaded avatar's media store key; avatarUrl then points at GET /api/users/:id/avatar. */
  avatarKey!: string | null;
}
