import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="card state">
      <h1 style={{ marginBottom: 8 }}>Page not found</h1>
      <Link href="/">Back to the map</Link>
    </div>
  );
}
