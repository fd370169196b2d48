import type { Metadata } from 'next';
import { Suspense } from 'react';
import { CompareView } from '@/components/views/CompareView';

export const metadata: Metadata = { title: 'Compare · Ocean Data Dashboard' };

export default function ComparePage() {
  return (
    <Suspense>
      <CompareView />
    </Suspense>
  );
}
