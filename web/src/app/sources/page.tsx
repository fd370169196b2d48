import type { Metadata } from 'next';
import { SourcesView } from '@/components/views/SourcesView';

export const metadata: Metadata = { title: 'Sources · Ocean Data Dashboard' };

export default function SourcesPage() {
  return <SourcesView />;
}
