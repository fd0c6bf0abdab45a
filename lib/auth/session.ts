import "server-only";
import { getServerSession } from "next-auth";
import { authOptions } from "./options";

export interface SignedInUser {
  id: string;
  name: string;
}

/** The signed-in user, from the session cookie, or null. */
export async function currentUser(): Promise<SignedInUser | null> {
  const session = await getServerSession(authOptions());
  const user = session?.user as Partial<SignedInUser> | undefined;
  return user?.id ? { id: user.id, name: user.name ?? user.id } : null;
}
