import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

function App() {
  return <main data-app-state="loaded">ModelDesk</main>;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>
);
