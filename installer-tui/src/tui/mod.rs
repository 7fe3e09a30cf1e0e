//! The interactive installer: ratatui screens over the install engine.
//!
//! State lives in [`app::App`]: what every screen may read
//! ([`context::Context`]) and the screen shown ([`app::Screen`]), which
//! owns its own state. [`event::update`] is the only place that changes
//! it, [`draw::draw`] only reads it, and [`worker`] runs the engine on
//! background threads that report over a channel.
//!
//! Each screen is a module with its state, its keys and its drawing
//! ([`context::Component`]): [`welcome`], [`keyboard`], [`language`], [`check`],
//! [`disks`], [`action`] (What to do), [`review`], [`progress`], [`done`]
//! (and Failed). A screen imports the shared types of [`context`] and the
//! pieces of [`widgets`], never another screen: where a key leads is a
//! [`context::Go`], which [`event`] carries out. [`unattended`] drives the
//! same screens from an answer file.

pub mod app;
pub mod console;
pub mod context;
pub mod draw;
pub mod event;
pub mod failure;
pub mod log;
pub mod unattended;
pub mod widgets;
pub mod worker;

pub mod action;
pub mod check;
pub mod disks;
pub mod done;
pub mod keyboard;
pub mod language;
pub mod progress;
pub mod review;
pub mod welcome;

use std::io::{self, Stdout};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::terminal::{self, EnterAlternateScreen, LeaveAlternateScreen};
use crossterm::{cursor, execute};
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

use app::App;
use context::{Context, Exit, Setup};
use event::{Command, Event};
use failure::{TerminalAct as Act, TerminalError};

/// The size assumed when the terminal does not say (a serial line).
pub const FALLBACK: (u16, u16) = (80, 24);

/// Put the terminal back as it was: on exit and from the panic hook. The
/// last frame is cleared first: on the Linux console (no alternate screen)
/// what follows, the init's messages or a panic, would be printed over it.
pub fn restore() {
    let _ = terminal::disable_raw_mode();
    let _ = console::clear(&mut io::stdout());
    let _ = execute!(io::stdout(), LeaveAlternateScreen, cursor::Show);
    console::stderr_back();
}

/// The terminal the screens are drawn on.
type Term = Terminal<CrosstermBackend<console::Output<Stdout>>>;

fn open_terminal() -> Result<Term, TerminalError> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        hook(info);
    }));
    terminal::enable_raw_mode().map_err(Act::RawMode.failed())?;
    execute!(io::stdout(), EnterAlternateScreen, cursor::Hide)
        .map_err(Act::AlternateScreen.failed())?;
    let backend = CrosstermBackend::new(console::Output::new(io::stdout()));
    let viewport = match terminal::size() {
        Ok((w, h)) if w >= 20 && h >= 10 => Viewport::Fullscreen,
        _ => Viewport::Fixed(Rect::new(0, 0, FALLBACK.0, FALLBACK.1)),
    };
    let mut terminal = Terminal::with_options(backend, TerminalOptions { viewport })
        .map_err(Act::Measure.failed())?;
    // At boot the console still shows the kernel's messages, and ratatui
    // skips the blank cells of its first frame: empty the screen first.
    console::full_redraw(&mut terminal).map_err(Act::Clear.failed())?;
    Ok(terminal)
}

/// Run the installer until the technician leaves it.
pub fn run(setup: Setup) -> Result<Exit, TerminalError> {
    if let Some(log) = &setup.log_file {
        // Not fatal: the screens work without it, and the message is seen
        // before the first frame.
        if let Err(e) = console::stderr_to(log) {
            eprintln!("{e:#}");
        }
    }
    let mut terminal = match open_terminal() {
        Ok(t) => t,
        Err(e) => {
            restore();
            return Err(e);
        }
    };
    let result = event_loop(&mut terminal, setup);
    restore();
    result
}

/// Ctrl-L: the technician asks for the whole screen again.
fn is_redraw_key(k: &KeyEvent) -> bool {
    k.modifiers.contains(KeyModifiers::CONTROL) && matches!(k.code, KeyCode::Char('l' | 'L'))
}

fn carry_out(ctx: &Context, cmds: Vec<Command>, tx: &mpsc::Sender<event::Msg>) {
    for c in cmds {
        worker::spawn(c, ctx, tx.clone());
    }
}

fn event_loop(terminal: &mut Term, setup: Setup) -> Result<Exit, TerminalError> {
    let (tx, rx) = mpsc::channel();
    let mut screen = console::Console::new(setup.boot);
    let mut app = App::new(setup);
    carry_out(&app.ctx, vec![Command::Load], &tx);
    let mut lock_checked = Instant::now();
    loop {
        let frame = terminal
            .draw(|f| draw::draw(f, &app))
            .map_err(Act::Draw.failed())?;
        if screen.after_draw(frame.buffer) {
            console::full_redraw(terminal).map_err(Act::Clear.failed())?;
            continue;
        }
        if let Some(exit) = app.ctx.exit {
            return Ok(exit);
        }
        // Set where the screen may hold what the installer did not draw.
        let mut redraw = false;
        if crossterm::event::poll(Duration::from_millis(100)).map_err(Act::Wait.failed())? {
            match crossterm::event::read().map_err(Act::ReadKey.failed())? {
                TermEvent::Key(k) if k.kind != KeyEventKind::Release && is_redraw_key(&k) => {
                    redraw = true;
                }
                TermEvent::Key(k) if k.kind != KeyEventKind::Release => {
                    let cmds = event::update(&mut app, Event::Key(k));
                    carry_out(&app.ctx, cmds, &tx);
                }
                TermEvent::Resize(..) => {
                    terminal.autoresize().map_err(Act::Resize.failed())?;
                    redraw = true;
                }
                _ => {}
            }
        }
        while let Ok(m) = rx.try_recv() {
            // The layout is loaded by a child process on this console.
            redraw |= matches!(m, event::Msg::Layout(_));
            let cmds = event::update(&mut app, Event::Msg(m));
            carry_out(&app.ctx, cmds, &tx);
        }
        if redraw {
            console::full_redraw(terminal).map_err(Act::Clear.failed())?;
        }
        let cmds = event::update(&mut app, Event::Tick);
        carry_out(&app.ctx, cmds, &tx);
        if !app.running() && lock_checked.elapsed() >= Duration::from_secs(1) {
            lock_checked = Instant::now();
            if let Some(path) = &app.ctx.setup.lock {
                let busy = event::Msg::OtherBusy(worker::other_busy(path));
                event::update(&mut app, Event::Msg(busy));
            }
        }
    }
}

#[cfg(test)]
mod tests;
