// The projector.* channels, each answered by the projector service (its sets live in the analysis worker).
import type { Handlers, projectorChannels } from '../../../common/api';
import type { ProjectorService } from './service';

export function projectorHandlers(projector: ProjectorService): Pick<Handlers, keyof typeof projectorChannels> {
  return {
    'projector.sources': () => projector.listSources(),
    'projector.open': (input) => projector.open(input),
    'projector.project': (input) => projector.project(input),
    'projector.stop': (input) => projector.stop(input),
    'projector.neighbors': (input) => projector.neighbors(input),
    'projector.search': (input) => projector.search(input),
    'projector.analogy': (input) => projector.analogy(input),
    'projector.neighbourhood': (input) => projector.neighbourhood(input),
    'projector.compare': (input) => projector.compare(input),
    'projector.series': (input) => projector.series(input),
    'projector.bookmarks': (input) => projector.listBookmarks(input),
    'projector.bookmarkSave': (input) => projector.saveBookmark(input),
    'projector.bookmarkCoords': (input) => projector.bookmarkCoords(input),
    'projector.bookmarkDelete': (input) => projector.deleteBookmark(input),
  };
}
