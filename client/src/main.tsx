// Entry of the monitor-client SPA: mounts <App> into #app.
import { render } from 'preact';
import { App } from './app/App';
import './styles/index.css';

render(<App />, document.getElementById('app')!);
