import '@angular/compiler';
import { NgModule } from '@angular/core';
import { TestBed, TestComponentRenderer } from '@angular/core/testing';
import { BrowserTestingModule, platformBrowserTesting } from '@angular/platform-browser/testing';

/**
 * These tests exercise services only, so they run in plain Node: `@angular/compiler` compiles the
 * decorators just in time (as `ng test` does), and the only piece of the browser testing module
 * that touches the DOM -- the renderer that inserts and removes component roots, which TestBed
 * calls on teardown -- is replaced by one with nothing to do.
 */
class NoComponentRenderer extends TestComponentRenderer {
  override insertRootElement(): void {
    throw new Error('This test environment has no DOM: test services here, not components.');
  }
  override removeAllRootElements(): void {}
}

@NgModule({
  imports: [BrowserTestingModule],
  providers: [{ provide: TestComponentRenderer, useClass: NoComponentRenderer }],
})
class ServiceTestingModule {}

TestBed.initTestEnvironment(ServiceTestingModule, platformBrowserTesting());
