import type { Metadata } from 'next';
import { ChatPanel } from '@/components/chat/ChatPanel';
import { loadConversation, requireSession } from '@/lib/server/user-data';

export const metadata: Metadata = { title: 'Chat' };

export default async function ChatPage() {
  const { session } = await requireSession();
  const messages = await loadConversation(session);
  return (
    <div className="mx-auto flex max-w-3xl flex-col px-4 py-6 sm:py-8">
      <ChatPanel initialMessages={messages} />
    </div>
  );
}
