import type { User } from '../models/user.ts';

export interface PresentedUser {
  id: string;
  email: string;
  name: string;
  avatarUrl: string | null;
  role: 'user' | 'admin';
  status: 'active' | 'deactivated';
}

export type UserFields = Pick<User, 'id' | 'email' | 'name' | 'avatarUrl' | 'role' | 'status'>;

export function presentUser(user: UserFields): PresentedUser {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    avatarUrl: user.avatarUrl,
    role: user.role,
    status: user.status,
  };
}

/** The signed-in person as they see themselves: also whether they must still choose a password. */
export function presentSelf(user: UserFields & Pick<User, 'mustChangePassword'>): PresentedUser & { mustChangePassword: boolean } {
  return { ...presentUser(user), mustChangePassword: user.mustChangePassword };
}
