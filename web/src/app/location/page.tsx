import type { Metadata } from 'next';
import { Suspense } from 'react';
import { LocationView } from '@/components/views/LocationView';

export const metadata: Metadata = { title: 'Location · Ocean Data Dashboard' };

export default function LocationPage() {
  return (
    <Suspense>
      <LocationView />
    </Suspense>
  );
}
